"""ppid: open data and public information requests for an Indonesian regional government.

The Flask app factory is :func:`ppid.app.create_app`; this package itself stays import-free, so that
``import ppid`` (for its version, say) never pulls in the web application.
"""

__version__ = "0.1.0"
