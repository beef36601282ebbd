"""ppid: open data and public information requests for an Indonesian regional government."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from flask import Flask

__version__ = "0.1.0"
__all__ = ["__version__", "create_app"]


def create_app(*args: Any, **kwargs: Any) -> Flask:
    """The Flask app factory (see :func:`ppid.app.create_app`); imported on call to keep ``import ppid`` light."""
    from ppid.app import create_app as factory

    return factory(*args, **kwargs)
