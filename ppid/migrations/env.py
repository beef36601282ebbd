"""Alembic environment: runs on the connection :meth:`ppid.db.Database.upgrade` hands over.

The migrations are hand-written and need no models to run, so the models are loaded only when Alembic
compares them with the database (``alembic revision --autogenerate``): every command upgrades the
database at start, and a harvest must not import the request module's code to do so.
"""

from alembic import context

from ppid.db import Base
from ppid.models import load_all

config = context.config
comparing = bool(getattr(config.cmd_opts, "autogenerate", False))
if comparing:
    load_all()
connection = config.attributes.get("connection")
if connection is None:
    raise RuntimeError("run migrations through `ppid db upgrade`, which provides the connection")


def include_object(obj: object, name: str, type_: str, reflected: bool, compare_to: object) -> bool:
    """Leave to the hand-written migrations what models cannot describe (SQLite FTS5 shadow tables)."""
    return not (type_ == "table" and name.startswith("catalogue_package_fts"))


context.configure(
    connection=connection,
    include_object=include_object,
    target_metadata=Base.metadata if comparing else None,
    render_as_batch=connection.dialect.name == "sqlite",
    compare_type=True,
)
with context.begin_transaction():
    context.run_migrations()
