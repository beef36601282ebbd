"""The platform's shared services, opened once per process from the settings.

The web app and the CLI both start here, so a wrong setting fails the same way everywhere: a
:class:`~ppid.config.ConfigError` with one sentence naming the setting.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cached_property

from ppid.config import ConfigError, Settings, load_settings
from ppid.db import Database, open_database
from ppid.registry import Registry, load_registry
from ppid.storage import Storage, StorageError, open_storage


@dataclass
class Platform:
    settings: Settings
    database: Database
    storage: Storage
    registry: Registry

    @classmethod
    def open(cls, settings: Settings | None = None, *, check_storage: bool = True) -> Platform:
        """Load and check everything; migrations are applied so the database is always current."""
        settings = settings or load_settings()
        registry = load_registry(settings.registry_path)
        storage = open_storage(settings.storage_url, settings.s3_endpoint_url)
        if check_storage:
            try:
                storage.check()
            except StorageError as error:
                raise ConfigError(str(error)) from error
        database = open_database(settings)
        return cls(settings=settings, database=database, storage=storage, registry=registry)

    @cached_property
    def jobs(self):
        from ppid.jobs import JobQueue

        return JobQueue(self.settings.redis_url, self)

    def close(self) -> None:
        self.database.dispose()
