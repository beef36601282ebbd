"""Imports every module that defines tables, so Alembic and the app see the whole schema."""

import importlib

MODEL_MODULES = (
    "ppid.accounts.models",
    "ppid.pipeline.models",
    "ppid.catalogue.models",
    "ppid.permohonan.models",
    "ppid.permohonan.standards",
    "ppid.mail",
    "ppid.uploader.models",
    "ppid.documents.models",
    "ppid.datastore.models",
    "ppid.workspace.models",
    "ppid.permohonan.service_report",
    "ppid.publication.models",
    "ppid.publication.announcements",
    "ppid.publication.periodic",
    "ppid.publication.holds",
    "ppid.publication.monev",
)


def load_all() -> None:
    for module in MODEL_MODULES:
        importlib.import_module(module)
