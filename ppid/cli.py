"""The ``ppid`` command: harvest, serve, work, migrate, manage users, validate a file.

Every command opens the platform the same way, and a wrong setting ends with one sentence on
stderr and exit code 2, never a traceback.
"""

from __future__ import annotations

import functools
import getpass
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

import click

from ppid import __version__, i18n
from ppid.config import ConfigError, Settings, load_settings
from ppid.i18n import _
from ppid.platform import Platform

#: Listening on every interface: the address citizens use cannot be guessed from it.
WILDCARD_HOSTS = {"", "0.0.0.0", "::"}


def friendly_errors(command: Callable[..., Any]) -> Callable[..., Any]:
    """Turn configuration problems into one readable sentence and exit code 2."""

    @functools.wraps(command)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        try:
            return command(*args, **kwargs)
        except ConfigError as error:
            click.echo(_("Kesalahan konfigurasi: %(message)s", message=error), err=True)
            sys.exit(2)

    return wrapper


def checked_settings() -> Settings:
    """The settings with every section typed and checked, so a wrong value stops any command before it starts."""
    from ppid.documents.config import Limits
    from ppid.pipeline.config import HarvestConfig, ValidationConfig
    from ppid.uploader.config import UploaderConfig

    settings = load_settings()
    for section in (HarvestConfig, ValidationConfig, UploaderConfig, Limits):
        section.from_settings(settings)
    return settings


def open_platform(settings: Settings | None = None, **kwargs: Any) -> Platform:
    from ppid.platform import use_platform

    platform = Platform.open(settings or checked_settings(), **kwargs)
    use_platform(platform)
    return platform


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="ppid")
@click.option(
    "--lang",
    type=click.Choice(sorted(i18n.LANGUAGES)),
    envvar="PPID_LANGUAGE",
    default="id",
    help="Bahasa pesan / message language (id, en).",
)
def main(lang: str) -> None:
    """ppid: open data portal and public information requests (UU KIP) for a regional government.

    Settings come from config/ and PPID_* environment variables; see README.md.
    """
    i18n.set_language(lang)


@main.command()
@click.option(
    "--dinas",
    "dinas_slugs",
    multiple=True,
    metavar="SLUG",
    help="Harvest only this dinas (repeatable). Default: every dinas in config/dinas.yaml.",
)
@click.option(
    "--source",
    "source_names",
    multiple=True,
    metavar="NAME",
    help="Harvest only the source with this name (or DINAS/NAME) from config/dinas.yaml (repeatable).",
)
@click.option(
    "--dry-run",
    is_flag=True,
    help="Only list what would be harvested (new, changed or unchanged per file); store, validate and publish "
    "nothing.",
)
@click.option(
    "--verify",
    is_flag=True,
    help="Hash every file of folder sources, even when its size and time look unchanged (also done every "
    "harvest.verify_every_runs runs); files that failed are read again too.",
)
@click.option("--quiet", is_flag=True, help="For cron: no progress bar, and nothing printed unless something "
              "is invalid or failed (then one line of counts and one line per problem).")
@click.option("--json", "as_json", is_flag=True, help="Print the run's summary as JSON for programs (counts, "
              "one entry per file that is not unchanged, exit code).")
@click.option(
    "--queue/--inline",
    "use_queue",
    default=None,
    help="Send the run to the RQ workers (needs PPID_REDIS_URL) or run it here. Default: queue when "
    "PPID_REDIS_URL is set.",
)
@friendly_errors
def harvest(
    dinas_slugs: tuple[str, ...],
    source_names: tuple[str, ...],
    dry_run: bool,
    verify: bool,
    quiet: bool,
    as_json: bool,
    use_queue: bool | None,
) -> None:
    """Collect every dinas's files, validate tables against their schema, and publish what is valid.

    Unchanged files are skipped; a file that fails validation is kept with its report and not
    published; a source that fails does not stop the others. Safe to run again at any time.

    Exit status: 0 all is valid and published; 1 the data has problems (a file invalid or failed, a
    source unreachable); 2 the command could not do its work (a wrong setting, another run still
    going, a run stopped part-way).
    """
    import json

    from ppid.pipeline.runner import RunAborted, harvest_job, run_harvest
    from ppid.pipeline.summary import print_plan, print_summary, run_report

    selection = {"dinas_slugs": list(dinas_slugs) or None, "source_names": list(source_names) or None}
    if dry_run:
        sys.exit(print_plan(open_platform(check_storage=False), **selection, verify=verify))
    platform = open_platform()
    if use_queue is None:
        use_queue = not platform.jobs.inline
    if use_queue:
        handle = platform.jobs.enqueue(harvest_job, selection["dinas_slugs"], selection["source_names"], verify)
        click.echo(_("Pemanenan dikirim ke antrean sebagai tugas %(id)s; jalankan `ppid worker`.", id=handle.id))
        return
    try:
        run_id = run_harvest(platform, **selection, trigger="cli", progress=not (quiet or as_json), verify=verify)
    except RunAborted as aborted:  # recorded as failed with its cause: the summary says so, exit code 2
        run_id = aborted.run_id
    if as_json:
        report = run_report(platform, run_id)
        click.echo(json.dumps(report.as_json(), ensure_ascii=False, indent=2))
        sys.exit(report.exit_code)
    sys.exit(print_summary(platform, run_id, quiet=quiet))


@main.command()
@click.option("--host", default="127.0.0.1", show_default=True, help="Address to listen on (0.0.0.0: every interface).")
@click.option("--port", default=5000, show_default=True, type=int, help="Port to listen on.")
@click.option("--threads", default=8, show_default=True, type=int, help="Worker threads of the WSGI server.")
@friendly_errors
def serve(host: str, port: int, threads: int) -> None:
    """Serve the public portal, the request module and the catalogue API with the waitress WSGI server."""
    from waitress import serve as waitress_serve

    from ppid.app import create_app

    settings = checked_settings().served_at(host, port)
    app = create_app(platform=open_platform(settings))
    click.echo(_("Portal berjalan di %(url)s (Ctrl+C untuk berhenti).", url=settings.public_url))
    if not settings.public_url_configured and host in WILDCARD_HOSTS:
        click.echo(_("Tautan unduhan dan surel memakai %(url)s; atur PPID_PUBLIC_URL ke alamat yang dipakai warga.",
                     url=settings.public_url))
    waitress_serve(app, host=host, port=port, threads=threads, ident="ppid")


@main.command()
@click.option("--burst", is_flag=True, help="Stop when the queue is empty instead of waiting for more work.")
@friendly_errors
def worker(burst: bool) -> None:
    """Run a background worker that takes harvest, validation, publishing and e-mail jobs from Redis."""
    platform = Platform.open(checked_settings())  # checks every setting before taking work
    platform.close()  # each job opens its own connections inside RQ's forked work horse
    if platform.jobs.inline:
        raise ConfigError(
            _("PPID_REDIS_URL belum diisi; pekerja latar membutuhkan Redis, misalnya redis://127.0.0.1:6379/0.")
        )
    platform.jobs.work(burst=burst)


@main.group()
def db() -> None:
    """Database maintenance."""


@db.command("upgrade")
@friendly_errors
def db_upgrade() -> None:
    """Apply every pending database migration (also done automatically at start)."""
    open_platform(check_storage=False)
    click.echo(_("Basis data sudah mutakhir."))


@main.group()
def user() -> None:
    """Officer accounts."""


@user.command("create")
@click.argument("username")
@click.option("--email", required=True, help="E-mail address (for notices and password reset).")
@click.option("--name", "full_name", required=True, help="Full name as shown to colleagues.")
@click.option(
    "--role",
    "roles",
    multiple=True,
    required=True,
    metavar="ROLE[:DINAS]",
    help="admin, walidata, petugas or atasan, optionally scoped to a dinas slug, e.g. petugas:dinkes. Repeatable.",
)
@click.option(
    "--password",
    envvar="PPID_NEW_PASSWORD",
    default=None,
    help="Password (default: asked interactively; or set PPID_NEW_PASSWORD).",
)
@friendly_errors
def user_create(username: str, email: str, full_name: str, roles: tuple[str, ...], password: str | None) -> None:
    """Create an officer account, for example the first administrator:

    ppid user create admin --email admin@pemda.go.id --name "Admin PPID" --role admin
    """
    from ppid.accounts.service import AccountError, create_user, parse_role

    platform = open_platform(check_storage=False)
    try:
        grants = [parse_role(text, platform.registry) for text in roles]
    except AccountError as error:
        raise click.BadParameter(str(error), param_hint="--role") from error
    if password is None:
        password = getpass.getpass(_("Kata sandi: "))
        if password != getpass.getpass(_("Ulangi kata sandi: ")):
            raise click.ClickException(_("Kedua kata sandi tidak sama."))
    try:
        with platform.database.session() as session:
            create_user(session, username=username, email=email, full_name=full_name, password=password, grants=grants)
    except AccountError as error:
        raise click.ClickException(str(error)) from error
    click.echo(_("Akun %(username)s dibuat.", username=username))


@user.group("token")
def user_token() -> None:
    """API tokens for scripts and machine uploads."""


@user_token.command("create")
@click.argument("username")
@click.option("--name", required=True, help="What the token is for, e.g. \"unggah harian dinkes\".")
@friendly_errors
def user_token_create(username: str, name: str) -> None:
    """Create an API token for USERNAME and print it (only now; it is stored hashed).

    Scripts send it as "Authorization: Bearer <token>" and act with the account's roles and dinas.
    """
    from sqlalchemy import select

    from ppid.accounts.models import User
    from ppid.accounts.service import AccountError
    from ppid.accounts.tokens import create_token

    platform = open_platform(check_storage=False)
    try:
        with platform.database.session() as session:
            owner = session.scalar(select(User).where(User.username == username.strip().lower()))
            if owner is None or not owner.is_active:
                raise AccountError(_("Tidak ada akun aktif bernama %(username)s.", username=username))
            _token, secret = create_token(session, owner, name)
    except AccountError as error:
        raise click.ClickException(str(error)) from error
    click.echo(_("Token dibuat; simpan sekarang, token ini tidak dapat ditampilkan lagi:"), err=True)
    click.echo(secret)


@main.group()
def mail() -> None:
    """Outgoing e-mail and its delivery log."""


@mail.command("retry")
@friendly_errors
def mail_retry() -> None:
    """Send again every message that failed (an SMTP server that was down, a refused login)."""
    from ppid.mail import retry_failed

    queued = retry_failed(open_platform(check_storage=False))
    click.echo(_("%(count)s pesan dikirim ulang.", count=queued))


@main.group()
def audit() -> None:
    """The tamper-evident record of information requests."""


@audit.command("verify")
@friendly_errors
def audit_verify() -> None:
    """Recompute the hash chain of every request event; exit code 1 at the first broken link.

    Prints the head hash: keep it outside the database (e.g. in the annual report) to detect a rewrite.
    """
    from ppid.permohonan.audit import verify

    platform = open_platform(check_storage=False)
    with platform.database.session() as session:
        report = verify(session)
    if report.intact:
        click.echo(_("Rantai catatan utuh: %(count)s peristiwa, hash terakhir %(head)s.", count=report.events,
                     head=report.head))
        return
    click.echo(_("Rantai catatan RUSAK pada peristiwa #%(id)s (permohonan %(number)s): %(reason)s. "
                 "%(count)s peristiwa sebelumnya utuh.", id=report.broken_event_id, number=report.document,
                 reason=report.reason, count=report.events), err=True)
    sys.exit(1)


@main.group()
def permohonan() -> None:
    """Information requests (UU KIP)."""


@permohonan.command("reminders")
@friendly_errors
def permohonan_reminders() -> None:
    """E-mail officers about requests due within a few working days or overdue; at most once a day each.

    Run it every working morning from cron (or schedule ppid.permohonan.reminders.reminders_job on RQ).
    """
    from ppid.permohonan.reminders import send_reminders

    sent = send_reminders(open_platform(check_storage=False))
    click.echo(_("%(count)s pengingat dikirim.", count=sent))


@permohonan.command("encrypt-nik")
@friendly_errors
def permohonan_encrypt_nik() -> None:
    """Encrypt requesters' NIKs stored in the clear by versions before the encryption (safe to re-run)."""
    from ppid.permohonan.config import PermohonanConfig
    from ppid.permohonan.identity import encrypt_stored_niks

    platform = open_platform(check_storage=False)
    with platform.database.session() as session:
        count = encrypt_stored_niks(session, PermohonanConfig.from_settings(platform.settings).cipher)
    click.echo(_("%(count)s NIK dienkripsi.", count=count))


@main.command()
@click.argument("file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--schema", "schema_name", required=True, help="Schema name from schemas/ (file name without .json).")
@click.option(
    "--rows-to-fix",
    type=click.Path(dir_okay=False, path_type=Path),
    help="Also write a CSV of the rows that need fixing to this path.",
)
@click.option("--limit-errors", type=int, default=None, help="Stop after this many errors (default: find all).")
@click.option(
    "--format",
    "output_format",
    type=click.Choice(["text", "json", "csv"]),
    default="text",
    show_default=True,
    help="text: the report to read; json: the whole report for programs; csv: one line per problem.",
)
@friendly_errors
def validate(
    file: Path, schema_name: str, rows_to_fix: Path | None, limit_errors: int | None, output_format: str
) -> None:
    """Check one file against a schema and explain every problem, exactly as the harvester would.

    Exit status: 0 when the file is valid, 1 when it has errors.
    """
    from ppid.validation import validate_file, write_rows_to_fix
    from ppid.validation.render import render

    settings = checked_settings()
    result = validate_file(file, schema_name=schema_name, schemas_dir=settings.schemas_dir, limit_errors=limit_errors)
    click.echo(render(result.report, output_format))
    if rows_to_fix is not None:
        write_rows_to_fix(result, rows_to_fix)
    sys.exit(0 if result.report.valid else 1)
