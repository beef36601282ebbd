"""Settings: one object, read from ``config/defaults.yaml``, the instance folder and ``PPID_*`` variables.

Every problem is reported as a :class:`ConfigError` whose message is one sentence naming the
setting and what is expected, so that start-up never ends in a traceback.
"""

from __future__ import annotations

import json
import os
import re
from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any
from urllib.parse import urlparse

from ppid import usercache
from ppid.i18n import DEFAULT_LANGUAGE, LANGUAGES, TIME_ZONES, ZONE_NAMES, _

SOURCE_ROOT = Path(__file__).resolve().parent.parent
SMTP_SCHEMES = {"smtp": ("plain", 25), "smtp+starttls": ("starttls", 587), "smtps": ("tls", 465)}
#: ``catalogue.withdrawn``: a withdrawn dataset is made private (kept, hidden) or deleted (CKAN's soft delete).
WITHDRAWN_CHOICES = ("private", "delete")
#: ``catalogue.files``: resources link to the platform's storage, or their files are uploaded to the catalogue.
FILES_CHOICES = ("link", "upload")
CATALOGUE_KEYS = ("withdrawn", "files")
#: ``database:`` in defaults.yaml: the connection pool of each process (``PPID_DATABASE_POOL_SIZE`` etc. override).
DATABASE_KEYS = ("pool_size", "max_overflow", "pool_timeout")
#: ``ppid serve --threads`` when nothing else says: the worker threads the database pool is sized for.
DEFAULT_SERVER_THREADS = 8
#: Connections kept beyond one per server thread: the health check and a job run inline after a commit.
POOL_HEADROOM = 2
#: Where links point when no public address is configured and nothing says where the portal is served.
DEFAULT_PUBLIC_URL = "http://127.0.0.1:5000"
#: SQLAlchemy's URL grammar (``sqlalchemy.engine.url._parse_url``): a driver name and ``://``, the rest optional.
_DATABASE_URL = re.compile(
    r"(?P<driver>[\w+]+)://(?:[^:/]*(?::[^@]*)?@)?(?:(?:\[[^/?]+\]|[^/:?]+)?(?::(?P<port>[^/?]*))?)?"
)


class ConfigError(Exception):
    """A setting is missing or wrong; the message says which and what is expected."""


@dataclass(frozen=True)
class Settings:
    home: Path
    config_dir: Path
    schemas_dir: Path
    database_url: str
    storage_url: str
    secret_key: str = field(repr=False)
    personal_data_key: str = field(default="", repr=False)
    """Encrypts NIKs and identity scans at rest (``ppid.permohonan.identity.PersonalDataCipher``)."""
    catalogue_url: str | None = None
    catalogue_api_token: str | None = field(default=None, repr=False)
    s3_endpoint_url: str | None = None
    redis_url: str | None = None
    language: str = "id"
    time_zone: str = TIME_ZONES["WIB"]
    """The pemda's time zone (``time_zone: WIB|WITA|WIT``), as an IANA name: every shown time is in it."""
    public_url: str = DEFAULT_PUBLIC_URL
    #: ``PPID_PUBLIC_URL`` (or ``public_url`` in defaults.yaml) is set: links never follow the served address.
    public_url_configured: bool = False
    smtp_url: str | None = field(default=None, repr=False)
    mail_from: str = "PPID <ppid@localhost>"
    #: What happens in the catalogue to a dataset whose files are all withdrawn from their source.
    catalogue_withdrawn: str = "private"
    #: Whether the catalogue's resources link to the platform's storage or hold an uploaded copy of each file.
    catalogue_files: str = "link"
    defaults: dict[str, Any] = field(default_factory=dict)
    #: Worker threads of the server this process runs (``ppid serve --threads``); sizes the database pool.
    server_threads: int = DEFAULT_SERVER_THREADS
    #: Connections the pool keeps open (``database.pool_size`` / PPID_DATABASE_POOL_SIZE); ``None``: one per
    #: server thread plus :data:`POOL_HEADROOM`.
    database_pool_size: int | None = None
    #: Connections opened beyond the pool for a burst, closed again afterwards.
    database_max_overflow: int = 0
    #: Seconds a request waits for a free connection before it is answered 503 with Retry-After.
    database_pool_timeout: float = 3.0

    @property
    def pool_size(self) -> int:
        """Connections in this process's pool: the setting, else one per server thread plus the headroom."""
        if self.database_pool_size is not None:
            return self.database_pool_size
        return self.server_threads + POOL_HEADROOM

    @property
    def registry_path(self) -> Path:
        return self.config_dir / "dinas.yaml"

    @property
    def uses_embedded_catalogue(self) -> bool:
        return self.catalogue_url is None

    def served_at(self, host: str, port: int, threads: int = DEFAULT_SERVER_THREADS) -> Settings:
        """These settings as seen by a server on ``host:port`` with ``threads`` workers: without a configured
        public address, links (pages, receipts, e-mails, the catalogue's resource URLs) point where the portal
        actually answers; the database pool is sized for the threads."""
        if self.public_url_configured:
            return replace(self, server_threads=threads)
        return replace(self, public_url=f"http://{_link_host(host)}:{port}", server_threads=threads)


def interface_language(environ: dict[str, str] | None = None) -> str:
    """The language of messages before the settings are loaded (``ppid --help``): PPID_LANGUAGE, else the
    ``language`` of defaults.yaml; a wrong value is left for :func:`load_settings` to report."""
    env = os.environ if environ is None else environ
    language = env.get("PPID_LANGUAGE")
    if not language:
        try:
            config_dir = Path(env.get("PPID_CONFIG_DIR") or SOURCE_ROOT / "config").expanduser()
            language = _read_defaults(config_dir / "defaults.yaml").get("language")
        except (ConfigError, OSError):
            language = None
    return language if language in LANGUAGES else DEFAULT_LANGUAGE


def home_directory(environ: Mapping[str, str]) -> Path:
    """``PPID_HOME`` (``instance`` in the working directory by default), absolute; also where a command that
    stopped before its settings loaded writes its log."""
    return Path(environ.get("PPID_HOME", "instance")).expanduser().resolve()


def load_settings(environ: dict[str, str] | None = None, **overrides: Any) -> Settings:
    """Build the settings from the environment (``os.environ`` by default) and explicit overrides."""
    env = dict(os.environ if environ is None else environ)
    env.update({f"PPID_{key.upper()}": str(value) for key, value in overrides.items() if value is not None})

    home = home_directory(env)
    config_dir = _existing_dir(env, "PPID_CONFIG_DIR", SOURCE_ROOT / "config")
    schemas_dir = _existing_dir(env, "PPID_SCHEMAS_DIR", SOURCE_ROOT / "schemas")
    defaults = _read_defaults(config_dir / "defaults.yaml")

    language = env.get("PPID_LANGUAGE", defaults.get("language", "id"))
    if language not in LANGUAGES:
        raise ConfigError(_("PPID_LANGUAGE harus salah satu dari: %(choices)s.", choices=", ".join(LANGUAGES)))

    time_zone = _time_zone(env.get("PPID_TIME_ZONE") or defaults.get("time_zone", "WIB"))

    try:
        home.mkdir(parents=True, exist_ok=True)
    except OSError as error:
        raise ConfigError(
            _("PPID_HOME (%(path)s) tidak dapat dibuat: %(reason)s.", path=home, reason=error.strerror)
        ) from error

    database_url = env.get("PPID_DATABASE_URL") or f"sqlite:///{home / 'ppid.sqlite3'}"
    _check_database_url(database_url)
    storage_url = env.get("PPID_STORAGE_URL") or str(home / "storage")
    _check_storage_url(storage_url)
    catalogue_url = env.get("PPID_CATALOGUE_URL") or None
    if catalogue_url is not None:
        _check_http_url("PPID_CATALOGUE_URL", catalogue_url)
    s3_endpoint_url = env.get("PPID_S3_ENDPOINT_URL") or None
    if s3_endpoint_url is not None:
        _check_http_url("PPID_S3_ENDPOINT_URL", s3_endpoint_url)
    redis_url = env.get("PPID_REDIS_URL") or None
    if redis_url is not None and urlparse(redis_url).scheme not in {"redis", "rediss", "unix"}:
        raise ConfigError(_("PPID_REDIS_URL harus berupa URL redis://host:port/db, bukan %(value)r.", value=redis_url))
    configured_url = env.get("PPID_PUBLIC_URL") or defaults.get("public_url")
    public_url = configured_url or DEFAULT_PUBLIC_URL
    _check_http_url("PPID_PUBLIC_URL", public_url)
    smtp_url = env.get("PPID_SMTP_URL") or None
    if smtp_url is not None:
        _check_smtp_url(smtp_url)
    mail_from = env.get("PPID_MAIL_FROM") or defaults.get("mail_from") or "PPID <ppid@localhost>"
    catalogue_withdrawn = _choice(defaults, "withdrawn", "private", WITHDRAWN_CHOICES)
    catalogue_files = env.get("PPID_CATALOGUE_FILES") or _choice(defaults, "files", "link", FILES_CHOICES)
    if catalogue_files not in FILES_CHOICES:
        raise ConfigError(
            _("PPID_CATALOGUE_FILES harus salah satu dari: %(choices)s.", choices=", ".join(FILES_CHOICES))
        )

    pool = _database_pool(env, defaults)

    return Settings(
        home=home,
        config_dir=config_dir,
        schemas_dir=schemas_dir,
        database_url=database_url,
        storage_url=storage_url,
        secret_key=env.get("PPID_SECRET_KEY") or _instance_secret(home, "secret_key"),
        personal_data_key=env.get("PPID_PERSONAL_DATA_KEY") or _instance_secret(home, "personal_data_key"),
        catalogue_url=catalogue_url.rstrip("/") if catalogue_url else None,
        catalogue_api_token=env.get("PPID_CATALOGUE_API_TOKEN") or _instance_secret(home, "catalogue_token"),
        s3_endpoint_url=s3_endpoint_url,
        redis_url=redis_url,
        language=language,
        time_zone=time_zone,
        public_url=public_url.rstrip("/"),
        public_url_configured=bool(configured_url),
        smtp_url=smtp_url,
        mail_from=mail_from,
        catalogue_withdrawn=catalogue_withdrawn,
        catalogue_files=catalogue_files,
        defaults=defaults,
        **pool,
    )


def _time_zone(value: Any) -> str:
    """``WIB``, ``WITA`` or ``WIT`` (or the IANA name of one of them) as the IANA name of the zone."""
    named = str(value).strip()
    if named.upper() in TIME_ZONES:
        return TIME_ZONES[named.upper()]
    if named in ZONE_NAMES:
        return named
    raise ConfigError(_("time_zone (PPID_TIME_ZONE) harus WIB, WITA atau WIT, bukan %(value)r.", value=value))


def _database_pool(env: dict[str, str], defaults: dict[str, Any]) -> dict[str, Any]:
    """``database.pool_size``, ``max_overflow`` and ``pool_timeout`` from defaults.yaml, each overridden by its
    PPID_DATABASE_* variable."""
    section = dict(config_section(defaults, "database", DATABASE_KEYS))
    for key in DATABASE_KEYS:
        variable = f"PPID_DATABASE_{key.upper()}"
        if env.get(variable):
            try:
                section[key] = float(env[variable]) if key == "pool_timeout" else int(env[variable])
            except ValueError as error:
                raise ConfigError(
                    _("%(name)s harus berupa angka, bukan %(value)r.", name=variable, value=env[variable])
                ) from error
    size = section.get("pool_size")
    return {
        "database_pool_size": None if size is None else whole_number(section, "database", "pool_size", 0, minimum=1),
        "database_max_overflow": whole_number(section, "database", "max_overflow", 0),
        "database_pool_timeout": positive_number(section, "database", "pool_timeout", 3.0),
    }


def _link_host(host: str) -> str:
    """The host to put in links for a server listening on ``host``: a wildcard is reached on this machine."""
    if host in {"", "0.0.0.0"}:
        return "127.0.0.1"
    if host == "::":
        return "[::1]"
    return f"[{host}]" if ":" in host else host


def _existing_dir(env: dict[str, str], name: str, default: Path) -> Path:
    path = Path(env.get(name) or default).expanduser().resolve()
    if not path.is_dir():
        raise ConfigError(
            _("%(name)s harus menunjuk ke folder yang ada; %(path)s tidak ditemukan.", name=name, path=path)
        )
    return path


def read_yaml(path: Path) -> Any:
    """A configuration file's YAML, or a ConfigError naming the file and the line where it stops being YAML."""
    import yaml  # ~25 ms with the regular expressions it compiles: not before a YAML file is read

    loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)  # libyaml's parser, the same safe constructors
    try:
        return yaml.load(path.read_text(encoding="utf-8"), Loader=loader)
    except yaml.YAMLError as error:
        mark = getattr(error, "problem_mark", None)
        line = mark.line + 1 if mark else "?"
        raise ConfigError(_("%(path)s bukan YAML yang sah (baris %(line)s).", path=path, line=line)) from error


def _read_defaults(path: Path) -> dict[str, Any]:
    """defaults.yaml as a mapping. Kept as JSON in the user's cache while the file is unchanged (``usercache``):
    every command reads it, and ``ppid validate`` on a small table then starts without PyYAML."""
    if not path.exists():
        return {}
    name = f"defaults-{usercache.file_key(path)}.json"
    kept = usercache.kept("settings", name)
    try:
        cached = json.loads(kept) if kept is not None else None
    except ValueError:  # a cache file someone else wrote: the YAML decides
        cached = None
    if isinstance(cached, dict):
        return cached
    loaded = read_yaml(path) or {}
    if not isinstance(loaded, dict):
        raise ConfigError(_("%(path)s harus berisi pemetaan kunci: nilai.", path=path))
    as_json = _exact_json(loaded)
    if as_json is not None:
        usercache.keep("settings", name, as_json)
    return loaded


def _exact_json(value: Any) -> bytes | None:
    """``value`` as JSON when JSON gives it back unchanged; None when it holds what JSON cannot say (a date, a
    number key, NaN), and the file is then read as YAML each time."""
    try:
        text = json.dumps(value, ensure_ascii=False)
    except (TypeError, ValueError):
        return None
    return text.encode() if json.loads(text) == value else None


def _check_database_url(url: str) -> None:
    """The URL's shape and backend, checked as SQLAlchemy's ``make_url`` reads it but without importing SQLAlchemy
    (~0.1 s), so that commands without a database (``ppid validate``) start fast."""
    parsed = _DATABASE_URL.match(url)
    if parsed is None or not (parsed["port"] or "0").isdigit():
        raise ConfigError(
            _(
                "PPID_DATABASE_URL tidak dapat dibaca; contoh yang benar: "
                "postgresql+psycopg://user:sandi@host/ppid atau sqlite:////path/ppid.sqlite3."
            )
        )
    backend = parsed["driver"].split("+")[0]
    if backend not in {"sqlite", "postgresql"}:
        raise ConfigError(
            _(
                "PPID_DATABASE_URL harus memakai sqlite atau postgresql, bukan %(backend)s.",
                backend=backend,
            )
        )


def _check_storage_url(url: str) -> None:
    parsed = urlparse(url)
    if parsed.scheme == "s3":
        if not parsed.netloc:
            raise ConfigError(_("PPID_STORAGE_URL s3:// harus menyebut nama bucket, misalnya s3://ppid-data/berkas."))
    elif parsed.scheme not in {"", "file"} and len(parsed.scheme) > 1:  # one letter: a Windows drive
        raise ConfigError(
            _("PPID_STORAGE_URL harus berupa folder lokal atau s3://bucket/prefix, bukan %(value)r.", value=url)
        )


def _choice(defaults: dict[str, Any], key: str, default: str, choices: tuple[str, ...]) -> str:
    """One of ``choices`` from the ``catalogue:`` section of defaults.yaml."""
    value = config_section(defaults, "catalogue", CATALOGUE_KEYS).get(key, default)
    if value not in choices:
        raise ConfigError(
            _("catalogue.%(key)s di defaults.yaml harus salah satu dari: %(choices)s.", key=key,
              choices=", ".join(choices))
        )
    return value


def config_section(defaults: dict[str, Any], name: str, known: tuple[str, ...]) -> dict[str, Any]:
    """The ``name:`` section of defaults.yaml, refused when it is not a mapping or holds a key no one reads.

    A misspelt key would otherwise be ignored in silence and its default used instead.
    """
    value = defaults.get(name)
    if value is None:
        return {}
    if not isinstance(value, dict):
        raise ConfigError(_("%(key)s di defaults.yaml harus berupa pemetaan kunci: nilai.", key=name))
    unknown = sorted(str(key) for key in value if key not in known)
    if unknown:
        raise ConfigError(
            _("%(section)s.%(key)s di defaults.yaml bukan pengaturan yang dikenal; yang dikenal: %(known)s.",
              section=name, key=unknown[0], known=", ".join(known))
        )
    return value


def whole_number(section: dict[str, Any], name: str, key: str, default: int, *, minimum: int = 0) -> int:
    """An integer setting of at least ``minimum`` (``true`` is not a number here, though Python says it is 1)."""
    value = section.get(key, default)
    if isinstance(value, bool) or not isinstance(value, int) or value < minimum:
        raise ConfigError(
            _("%(section)s.%(key)s di defaults.yaml harus bilangan bulat %(minimum)s atau lebih, bukan %(value)r.",
              section=name, key=key, minimum=minimum, value=value)
        )
    return value


def positive_number(section: dict[str, Any], name: str, key: str, default: float, *, zero: bool = False) -> float:
    """A number setting above zero (or at least zero when ``zero`` is allowed)."""
    value = section.get(key, default)
    if isinstance(value, bool) or not isinstance(value, int | float) or value < 0 or (value == 0 and not zero):
        bound = _("0 atau lebih") if zero else _("lebih dari 0")
        raise ConfigError(
            _("%(section)s.%(key)s di defaults.yaml harus berupa angka %(bound)s, bukan %(value)r.",
              section=name, key=key, bound=bound, value=value)
        )
    return float(value)


def _check_http_url(name: str, url: str) -> None:
    parsed = urlparse(url)
    if parsed.scheme not in {"http", "https"} or not parsed.netloc:
        raise ConfigError(_("%(name)s harus berupa URL http(s)://, bukan %(value)r.", name=name, value=url))


def _check_smtp_url(url: str) -> None:
    parsed = urlparse(url)
    if parsed.scheme not in SMTP_SCHEMES or not parsed.hostname:
        raise ConfigError(
            _(
                "PPID_SMTP_URL harus berupa smtp://host:port, smtp+starttls://pengguna:sandi@host:587 "
                "atau smtps://pengguna:sandi@host:465."
            )
        )


def _instance_secret(home: Path, name: str) -> str:
    """A random secret kept in the instance folder so that the embedded defaults need no setup."""
    path = home / name
    if path.exists():
        return path.read_text(encoding="utf-8").strip()
    import secrets  # only when the secret is made: hashlib and hmac cost every command's start

    value = secrets.token_urlsafe(32)
    path.touch(mode=0o600)
    path.write_text(value, encoding="utf-8")
    return value
