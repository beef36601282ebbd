"""The platform's shared services, opened once per process from the settings.

The web app and the CLI both start here, so a wrong setting fails the same way everywhere: a
:class:`~ppid.config.ConfigError` with one sentence naming the setting.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from functools import cached_property

from ppid.config import ConfigError, Settings, load_settings
from ppid.db import Database, open_database
from ppid.jobs import JobQueue
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
    def jobs(self) -> JobQueue:
        return JobQueue(self.settings.redis_url, activate=self.activated)

    @contextmanager
    def activated(self) -> Iterator[Platform]:
        """This platform as the one jobs use, for the duration (an inline job runs on the platform that queued it)."""
        global _current
        previous, _current = _current, self
        try:
            yield self
        finally:
            _current = previous

    def close(self) -> None:
        self.database.dispose()


_current: Platform | None = None


def use_platform(platform: Platform) -> None:
    """Make ``platform`` the one jobs in this process use (the app and the CLI call this)."""
    global _current
    _current = platform


def job_platform() -> Platform:
    """The platform for a job: the one registered by this process, or one opened from the environment."""
    global _current
    if _current is None:
        _current = Platform.open()
    return _current
