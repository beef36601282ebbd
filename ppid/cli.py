"""The ``ppid`` command: harvest, serve, work, migrate, manage users, validate a file.

Every command opens the platform the same way, and a wrong setting ends with one sentence on
stderr and exit code 2, never a traceback.
"""

from __future__ import annotations

import functools
import gc
import getpass
import inspect
import logging
import re
import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING, Any, NoReturn

import click
from click.utils import make_default_short_help

from ppid import __version__, i18n
from ppid.config import interface_language
from ppid.i18n import N_, _

if TYPE_CHECKING:
    from ppid.config import Settings
    from ppid.platform import Platform

#: Listening on every interface: the address citizens use cannot be guessed from it.
WILDCARD_HOSTS = {"", "0.0.0.0", "::"}
#: Open connections `ppid serve` accepts (waitress's default is 100). Beyond the limit waitress stops accepting,
#: and a client whose connection waits in the kernel's backlog behind 100 kept-alive ones is never served; below
#: it, every request waits its turn for a worker thread, and a saturated database answers 503 (ppid.error_pages).
CONNECTION_LIMIT = 1000
HELP_OPTION = N_("Tampilkan bantuan ini lalu keluar.")
#: Objects allocated (and not freed) between two young-generation collections in the ``ppid`` process; Python's 700
#: suits programs whose objects die young, not a command that first imports a hundred modules. A server's cyclic
#: garbage waits a little longer; memory is still freed as soon as nothing refers to it.
GC_YOUNG_OBJECTS = 50_000
#: Click's placeholders in usage lines, in Bahasa Indonesia.
USAGE_PIECES = {"[OPTIONS]": N_("[PILIHAN]"), "COMMAND [ARGS]...": N_("PERINTAH [ARGUMEN]..."), "BERKAS": N_("BERKAS")}


CLICK_MODULES = ("core", "decorators", "exceptions", "formatting", "parser", "termui", "types", "utils")
"""Click's modules that write messages through ``gettext`` (``from gettext import gettext as _``)."""


def speak_the_interface_language_in_click() -> None:
    """Route Click's own messages (a missing option, a wrong value, an unknown command) through
    ``translations/id/LC_MESSAGES/click.po``, so bad input on the command line is answered in the interface
    language like every other error. Click marks them for gettext but reads the process-wide gettext domain and
    the locale of the environment, not ``--lang``/PPID_LANGUAGE; its modules' ``_``/``ngettext`` are pointed here."""

    def click_gettext(message: str) -> str:
        return i18n.library_translations("click", i18n.get_language()).gettext(message)

    def click_ngettext(singular: str, plural: str, count: int) -> str:
        return i18n.library_translations("click", i18n.get_language()).ngettext(singular, plural, count)

    for name in CLICK_MODULES:
        module = sys.modules.get(f"click.{name}") or __import__(f"click.{name}", fromlist=["_"])
        if hasattr(module, "_"):
            module._ = click_gettext  # type: ignore[attr-defined]
        if hasattr(module, "ngettext"):
            module.ngettext = click_ngettext  # type: ignore[attr-defined]


speak_the_interface_language_in_click()


class TranslatedCommand(click.Command):
    """A command whose help is shown in the interface language: every help text is written in Bahasa Indonesia
    (marked with ``N_``) and translated when the help is printed, once ``--lang`` or PPID_LANGUAGE is known."""

    def format_usage(self, ctx: click.Context, formatter: click.HelpFormatter) -> None:
        pieces = [_(USAGE_PIECES.get(piece, piece)) for piece in self.collect_usage_pieces(ctx)]
        formatter.write_usage(ctx.command_path, " ".join(pieces), _("Cara pakai:") + " ")

    def format_help_text(self, ctx: click.Context, formatter: click.HelpFormatter) -> None:
        if self.help:
            formatter.write_paragraph()
            with formatter.indentation():
                formatter.write_text(_(inspect.cleandoc(self.help)))

    def get_short_help_str(self, limit: int = 45) -> str:
        return make_default_short_help(_(inspect.cleandoc(self.help)), limit) if self.help else ""

    def format_options(self, ctx: click.Context, formatter: click.HelpFormatter) -> None:
        help_option = self.get_help_option(ctx)
        rows = []
        for param in self.get_params(ctx):
            record = param.get_help_record(ctx)
            if record is not None and isinstance(param, click.Option):
                text = HELP_OPTION if param is help_option else param.help
                rows.append((record[0], _(text) if text else ""))
        if rows:
            with formatter.section(_("Pilihan")):
                formatter.write_dl(rows)


class TranslatedGroup(TranslatedCommand, click.Group):
    """A group of translated commands; its subgroups and commands are translated too."""

    command_class = TranslatedCommand
    group_class = type  # subgroups are TranslatedGroups

    def __call__(self, *args: Any, **kwargs: Any) -> Any:
        """The ``ppid`` process (its console script calls the group; ``CliRunner`` calls ``main``). Its cyclic garbage
        collector waits for ``GC_YOUNG_OBJECTS`` new objects rather than 700: importing polars and the engine made
        hundreds of collections of objects that live as long as the process (3 % of ``ppid validate``'s instructions
        on bench file c). When the command ends the process, the objects left are frozen out of the interpreter's
        last garbage collections, which took 30 ms of ``ppid validate``'s 0.3 s once polars is loaded."""
        gc.set_threshold(GC_YOUNG_OBJECTS, *gc.get_threshold()[1:])
        try:
            return self.main(*args, **kwargs)
        except SystemExit:
            gc.freeze()
            raise

    def main(self, *args: Any, **kwargs: Any) -> Any:
        # set for `ppid --help`, read before any option is; forgotten when the command ends, so that a command
        # run in-process (a test, a script) leaves its caller's language as it found it
        with i18n.language(interface_language()):
            try:
                return super().main(*args, **kwargs)
            except Exception:  # a fault no command foresaw: the traceback to the log, one sentence to the terminal
                if kwargs.get("standalone_mode", True) is False:  # a caller that handles what is raised
                    raise
                _stopped_by_a_fault()

    def format_options(self, ctx: click.Context, formatter: click.HelpFormatter) -> None:
        super().format_options(ctx, formatter)
        rows = [(name, command.get_short_help_str(formatter.width - 6 - len(name)))
                for name in self.list_commands(ctx) if (command := self.get_command(ctx, name)) and not command.hidden]
        if rows:
            with formatter.section(_("Perintah")):
                formatter.write_dl(rows)


def _stopped_by_a_fault() -> NoReturn:
    """End a command that failed in a way none of its own answers foresaw (a bug, a race): the traceback goes to
    ``PPID_HOME/logs/ppid.log``, the terminal gets one sentence, and the exit code is 2, as for ``ppid validate``'s
    own faults. Only the exception is written, never the command line, which may hold a password."""
    import os

    from ppid.config import home_directory

    with _command_log(home_directory(os.environ) / "logs" / "ppid.log") as log_path:
        logging.getLogger("ppid.cli").exception("ppid stopped")
    click.echo(_("ppid berhenti karena kesalahan di dalam ppid; rinciannya ditulis di %(path)s.", path=log_path),
               err=True)
    sys.exit(2)


def friendly_errors(command: Callable[..., Any]) -> Callable[..., Any]:
    """Turn configuration problems into one readable sentence and exit code 2."""

    @functools.wraps(command)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        from ppid.config import ConfigError

        try:
            return command(*args, **kwargs)
        except ConfigError as error:
            click.echo(_("Kesalahan konfigurasi: %(message)s", message=error), err=True)
            sys.exit(2)

    return wrapper


def checked_settings() -> Settings:
    """The settings with every section typed and checked, so a wrong value stops any command before it starts."""
    from ppid.config import load_settings
    from ppid.documents.config import Limits
    from ppid.pipeline.config import HarvestConfig, ValidationConfig
    from ppid.uploader.config import UploaderConfig

    settings = load_settings()
    for section in (HarvestConfig, ValidationConfig, UploaderConfig, Limits):
        section.from_settings(settings)
    return settings


def open_platform(settings: Settings | None = None, **kwargs: Any) -> Platform:
    from ppid.platform import Platform, use_platform

    platform = Platform.open(settings or checked_settings(), **kwargs)
    use_platform(platform)
    return platform


def _choose_language(_ctx: click.Context, _param: click.Parameter, value: str) -> str:
    i18n.set_language(value)
    return value


@click.group(cls=TranslatedGroup, context_settings={"help_option_names": ["-h", "--help"]},
             help=N_("ppid: portal data terbuka dan permohonan informasi publik (UU KIP) untuk pemerintah daerah.\n\n"
                     "Pengaturan dibaca dari config/ dan variabel lingkungan PPID_*; lihat README.md."))
@click.version_option(__version__, prog_name="ppid", help=N_("Tampilkan versi lalu keluar."),
                      message="%(prog)s, versi %(version)s")  # click's own would compile its catalogue at import
@click.option(
    "--lang",
    type=click.Choice(sorted(i18n.LANGUAGES)),
    envvar="PPID_LANGUAGE",
    default=interface_language,
    is_eager=True,  # before --help, so `ppid --lang en --help` is English
    expose_value=False,
    callback=_choose_language,
    help=N_("Bahasa pesan dan bantuan: id (Bahasa Indonesia) atau en (English). Bawaan: PPID_LANGUAGE, lalu "
            "language di config/defaults.yaml."),
)
def main() -> None:
    """The ``ppid`` command; the language is set by ``--lang`` as it is parsed."""


@main.command(help=N_(
    "Kumpulkan berkas setiap dinas, validasi tabel terhadap skemanya, dan terbitkan yang valid.\n\n"
    "Berkas yang tidak berubah dilewati; berkas yang gagal validasi disimpan beserta laporannya dan tidak "
    "diterbitkan; sumber yang gagal tidak menghentikan sumber lain. Aman dijalankan ulang kapan saja.\n\n"
    "Kode keluar: 0 semua valid dan terbit; 1 data bermasalah (berkas tidak valid atau gagal, sumber tidak "
    "terjangkau); 2 perintah tidak dapat bekerja (pengaturan salah, pemanenan lain masih berjalan, pemanenan "
    "terhenti di tengah jalan)."))
@click.option(
    "--dinas",
    "dinas_slugs",
    multiple=True,
    metavar="SLUG",
    help=N_("Panen dinas ini saja (boleh diulang). Bawaan: setiap dinas di config/dinas.yaml."),
)
@click.option(
    "--source",
    "source_names",
    multiple=True,
    metavar="NAMA",
    help=N_("Panen sumber dengan nama ini saja (atau DINAS/NAMA) dari config/dinas.yaml (boleh diulang)."),
)
@click.option(
    "--dry-run",
    is_flag=True,
    help=N_("Hanya daftar apa yang akan dipanen (baru, berubah atau tidak berubah per berkas); tidak ada yang "
            "disimpan, divalidasi atau diterbitkan."),
)
@click.option(
    "--verify",
    is_flag=True,
    help=N_("Hitung hash setiap berkas sumber folder, walau ukuran dan waktunya tampak tidak berubah (juga "
            "dilakukan setiap harvest.verify_every_runs kali); berkas yang gagal dibaca ulang juga."),
)
@click.option("--quiet", is_flag=True, help=N_("Untuk cron: tanpa bilah kemajuan, dan tidak mencetak apa pun kecuali "
              "ada yang tidak valid atau gagal (lalu satu baris jumlah dan satu baris per masalah)."))
@click.option("--json", "as_json", is_flag=True, help=N_("Cetak ringkasan pemanenan sebagai JSON untuk program "
              "(jumlah, satu entri per berkas yang berubah atau bermasalah, kode keluar)."))
@click.option(
    "--queue/--inline",
    "use_queue",
    default=None,
    help=N_("Kirim pemanenan ke pekerja RQ (perlu PPID_REDIS_URL) atau jalankan di sini. Bawaan: antrean bila "
            "PPID_REDIS_URL diisi."),
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
    import json

    from ppid.pipeline.runner import RunAborted, harvest_job, run_harvest
    from ppid.pipeline.summary import print_plan, print_summary, run_report

    selection = {"dinas_slugs": list(dinas_slugs) or None, "source_names": list(source_names) or None}
    if dry_run:
        sys.exit(print_plan(open_platform(check_storage=False), **selection, verify=verify))
    platform = open_platform()
    _load_registers(platform)
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


def _load_registers(platform: Platform) -> None:
    """Add what ``config/informasi-publik.yaml`` declares and the registers lack (:mod:`ppid.publication.seeding`)."""
    from ppid.publication.seeding import FILE_NAME, load_registers

    with platform.database.session() as session:
        load_registers(session, platform.storage, platform.registry, platform.settings.config_dir / FILE_NAME)


@main.command(help=N_("Sajikan portal publik, layanan permohonan informasi dan API katalog dengan server WSGI "
                      "waitress. Tanpa PPID_PUBLIC_URL, tautan mengikuti alamat dan port ini."))
@click.option("--host", default="127.0.0.1", metavar="HOST",
              help=N_("Alamat yang didengarkan (0.0.0.0: semua antarmuka). Bawaan: 127.0.0.1."))
@click.option("--port", default=5000, type=click.IntRange(1, 65535), metavar="PORT",
              help=N_("Port yang didengarkan (1-65535). Bawaan: 5000."))
@click.option("--threads", default=8, type=click.IntRange(min=1), metavar="N",
              help=N_("Jumlah utas kerja server WSGI. Bawaan: 8."))
@friendly_errors
def serve(host: str, port: int, threads: int) -> None:
    from waitress import create_server

    from ppid.app import create_app
    from ppid.mail import start_courier, stop_courier
    from ppid.serving import quiet_queue_warnings

    settings = checked_settings().served_at(host, port, threads)
    platform = open_platform(settings)
    announced = publish_configured_announcements(platform)  # a bad file stops the start before anything is said
    app = create_app(platform=platform)
    try:  # listening before saying so: a taken port or a foreign address is one sentence, never a traceback
        server = create_server(app, host=host, port=port, threads=threads, ident="ppid",
                               connection_limit=CONNECTION_LIMIT)
    except (OSError, ValueError) as error:  # waitress turns a host that does not resolve into a ValueError
        _usage_error(_cannot_listen(host, port, error))
    click.echo(_("Portal berjalan di %(url)s (Ctrl+C untuk berhenti).", url=settings.public_url))
    if not settings.public_url_configured and host in WILDCARD_HOSTS:
        click.echo(_("Tautan unduhan dan surel memakai %(url)s; atur PPID_PUBLIC_URL ke alamat yang dipakai warga.",
                     url=settings.public_url))
    for title in announced:
        click.echo(_("Pengumuman serta-merta diterbitkan: %(title)s", title=title))
    if platform.jobs.inline:  # no worker: the server's own background thread sends the e-mails
        start_courier(platform)
    quiet_queue_warnings()
    try:
        server.run()
    finally:
        stop_courier(platform)


def _cannot_listen(host: str, port: int, error: OSError | ValueError) -> str:
    """Why ``ppid serve`` cannot listen on ``host:port``, and what to do, in one sentence."""
    import errno
    import socket

    code = getattr(error, "errno", None)
    if code == errno.EADDRINUSE:
        return _("Port %(port)s sudah dipakai program lain (mungkin ppid serve yang masih berjalan); hentikan "
                 "program itu atau pilih port lain dengan --port.", port=port)
    if code == errno.EACCES:
        return _("Port %(port)s hanya boleh dibuka administrator sistem; pilih port 1024 ke atas dengan --port, "
                 "lalu teruskan dari proxy.", port=port)
    if code == errno.EADDRNOTAVAIL or isinstance(error, socket.gaierror | ValueError):
        return _("%(host)s bukan alamat mesin ini; pakai 127.0.0.1, 0.0.0.0 (semua antarmuka) atau alamat salah "
                 "satu antarmukanya dengan --host.", host=host)
    return _("Tidak dapat mendengarkan di %(host)s:%(port)s: %(reason)s.", host=host, port=port,
             reason=getattr(error, "strerror", None) or error)


@main.command(help=N_("Jalankan pekerja latar yang mengambil tugas pemanenan, validasi, penerbitan dan surel dari "
                      "Redis."))
@click.option("--burst", is_flag=True, help=N_("Berhenti saat antrean kosong alih-alih menunggu tugas berikutnya."))
@friendly_errors
def worker(burst: bool) -> None:
    from ppid.config import ConfigError
    from ppid.mail import deliver_due_job
    from ppid.platform import Platform

    platform = Platform.open(checked_settings())  # checks every setting before taking work
    platform.close()  # each job opens its own connections inside RQ's forked work horse
    if platform.jobs.inline:
        raise ConfigError(
            _("PPID_REDIS_URL belum diisi; pekerja latar membutuhkan Redis, misalnya redis://127.0.0.1:6379/0.")
        )
    platform.jobs.enqueue(deliver_due_job)  # first: e-mails left while no worker ran (Redis down, a killed worker)
    platform.jobs.work(burst=burst)


@main.group(help=N_("Pemeliharaan basis data."))
def db() -> None:
    pass


@db.command("upgrade", help=N_("Terapkan setiap migrasi basis data yang tertunda (juga dilakukan otomatis saat "
                                "mulai)."))
@friendly_errors
def db_upgrade() -> None:
    open_platform(check_storage=False)
    click.echo(_("Basis data sudah mutakhir."))


@main.group(help=N_("Akun petugas."))
def user() -> None:
    pass


@user.command("create", help=N_("Buat akun petugas, misalnya administrator pertama:"),
              epilog='\b\nppid user create admin --email admin@pemda.go.id --name "Admin PPID" --role admin')
@click.argument("username")
@click.option("--email", required=True, metavar="EMAIL",
              help=N_("Alamat surel (untuk pemberitahuan dan atur ulang kata sandi)."))
@click.option("--name", "full_name", required=True, metavar="NAMA",
              help=N_("Nama lengkap seperti yang dilihat rekan kerja."))
@click.option(
    "--role",
    "roles",
    multiple=True,
    required=True,
    metavar="ROLE[:DINAS]",
    help=N_("admin, walidata, petugas atau atasan, boleh dibatasi ke satu dinas, misalnya petugas:dinkes. Boleh "
            "diulang."),
)
@click.option(
    "--password",
    envvar="PPID_NEW_PASSWORD",
    default=None,
    metavar="SANDI",
    help=N_("Kata sandi (bawaan: ditanyakan; atau isi PPID_NEW_PASSWORD)."),
)
@friendly_errors
def user_create(username: str, email: str, full_name: str, roles: tuple[str, ...], password: str | None) -> None:
    from ppid.accounts.service import AccountError, create_user, parse_role

    platform = open_platform(check_storage=False)
    try:
        grants = [parse_role(text, platform.registry) for text in roles]
    except AccountError as error:
        raise click.BadParameter(str(error), param_hint="--role") from error
    if password is None:
        password = getpass.getpass(_("Kata sandi: "))
        if password != getpass.getpass(_("Ulangi kata sandi: ")):
            _usage_error(_("Kedua kata sandi tidak sama."))
    try:
        with platform.database.session() as session:
            create_user(session, username=username, email=email, full_name=full_name, password=password, grants=grants)
    except AccountError as error:  # a taken name, a bad address: the command is wrong, not the data (exit 2)
        _usage_error(str(error))
    click.echo(_("Akun %(username)s dibuat.", username=username))


@user.group("token", help=N_("Token API untuk skrip dan unggahan mesin."))
def user_token() -> None:
    pass


@user_token.command("create", help=N_(
    "Buat token API untuk USERNAME dan cetak token itu (hanya sekarang; token disimpan dalam bentuk hash).\n\n"
    "Skrip mengirimnya sebagai \"Authorization: Bearer <token>\" dan bertindak dengan peran dan dinas akun itu."))
@click.argument("username")
@click.option("--name", required=True, metavar="NAMA",
              help=N_("Untuk apa token ini, misalnya \"unggah harian dinkes\"."))
@friendly_errors
def user_token_create(username: str, name: str) -> None:
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
        _usage_error(str(error))
    click.echo(_("Token dibuat; simpan sekarang, token ini tidak dapat ditampilkan lagi:"), err=True)
    click.echo(secret)


@main.group(help=N_("Surel keluar dan catatan pengirimannya."))
def mail() -> None:
    pass


@mail.command("retry", help=N_("Kirim ulang setiap pesan yang gagal (server SMTP yang mati, login yang ditolak)."))
@click.option("--habis", "past_limit", is_flag=True,
              help=N_("Juga pesan yang sudah gagal pada setiap percobaannya, misalnya setelah pengaturan surel "
                      "diperbaiki."))
@friendly_errors
def mail_retry(past_limit: bool) -> None:
    from ppid.mail import retry_failed

    queued = retry_failed(open_platform(check_storage=False), past_limit=past_limit)
    click.echo(_("%(count)s pesan dikirim ulang.", count=queued))


@mail.command("digest", help=N_(
    "Kirim ringkasan harian kepada setiap petugas yang memilihnya di halaman akun: apa yang menunggunya dan "
    "pemberitahuan sejak ringkasan sebelumnya; paling banyak sekali sehari, hanya pada hari kerja.\n\n"
    "Jalankan setiap pagi dari cron (atau jadwalkan ppid.workspace.digest.digest_job di RQ)."))
@friendly_errors
def mail_digest() -> None:
    from ppid.workspace.digest import send_digests

    sent = send_digests(open_platform(check_storage=False))
    click.echo(_("%(count)s ringkasan harian dikirim.", count=sent))


@main.group(help=N_("Catatan permohonan informasi yang tahan rusak."))
def audit() -> None:
    pass


@audit.command("verify", help=N_(
    "Hitung ulang rantai hash setiap peristiwa permohonan; kode keluar 1 pada mata rantai pertama yang rusak.\n\n"
    "Mencetak hash terakhir: simpan di luar basis data (misalnya di laporan tahunan) untuk mendeteksi penulisan "
    "ulang."))
@friendly_errors
def audit_verify() -> None:
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


@main.group(help=N_("Permohonan informasi publik (UU KIP)."))
def permohonan() -> None:
    pass


@permohonan.command("reminders", help=N_(
    "Kirim surel ke petugas tentang permohonan yang jatuh tempo dalam beberapa hari kerja atau terlambat; paling "
    "banyak sekali sehari per permohonan.\n\n"
    "Jalankan setiap pagi hari kerja dari cron (atau jadwalkan ppid.permohonan.reminders.reminders_job di RQ)."))
@friendly_errors
def permohonan_reminders() -> None:
    from ppid.permohonan.reminders import send_reminders

    sent = send_reminders(open_platform(check_storage=False))
    click.echo(_("%(count)s pengingat dikirim.", count=sent))


@permohonan.command("encrypt-nik", help=N_(
    "Enkripsi NIK pemohon yang tersimpan terbuka oleh versi sebelum enkripsi (aman dijalankan ulang)."))
@friendly_errors
def permohonan_encrypt_nik() -> None:
    from ppid.permohonan.config import PermohonanConfig
    from ppid.permohonan.identity import encrypt_stored_niks

    platform = open_platform(check_storage=False)
    with platform.database.session() as session:
        count = encrypt_stored_niks(session, PermohonanConfig.from_settings(platform.settings).cipher)
    click.echo(_("%(count)s NIK dienkripsi.", count=count))


@main.command("berkala", help=N_(
    "Periksa jadwal informasi berkala (UU 14/2008 Pasal 9): setiap informasi yang terlambat diperbarui "
    "diberitahukan kepada petugas dan administrator dinasnya (pemberitahuan dan surel), sekali untuk setiap "
    "informasi per periode; aman dijalankan ulang.\n\n"
    "Jalankan setiap pagi dari cron (atau jadwalkan ppid.publication.periodic.periodic_job di RQ)."))
@friendly_errors
def berkala() -> None:
    from ppid.publication.periodic import flag_overdue

    flagged = flag_overdue(open_platform(check_storage=False))
    click.echo(_("%(count)s informasi berkala yang terlambat diberitahukan.", count=flagged))


@main.group("data-pribadi", help=N_("Data pribadi di katalog (UU 27/2022 tentang Pelindungan Data Pribadi)."))
def personal_data() -> None:
    pass


@personal_data.command("pindai", help=N_(
    "Pindai setiap berkas yang sudah tersimpan dan dapat diterbitkan (tabel valid dan dokumen) untuk data pribadi, "
    "seperti pemanen memindai versi baru: berkas yang diterbitkan sebelum pemindaian ada, atau sebelum pola "
    "baru dikenali. Berkas yang memuat data pribadi ditahan untuk walidata (/petugas/data-pribadi) dan datasetnya "
    "segera diterbitkan ulang tanpa berkas itu. Versi yang sudah diputuskan walidata tidak dipindai lagi; aman "
    "dijalankan ulang.\n\n"
    "Kode keluar: 0 bila tidak ada yang ditahan; 1 bila ada berkas yang ditahan; 2 bila berkas atau katalog tidak "
    "dapat dijangkau (jalankan ulang setelah diperbaiki) atau pengaturannya salah."))
@click.option("--dinas", "dinas_slugs", multiple=True, metavar="SLUG",
              help=N_("Hanya berkas dinas ini (boleh diulang). Bawaan: semua dinas."))
@friendly_errors
def personal_data_scan(dinas_slugs: tuple[str, ...]) -> None:
    from ppid.pipeline.privacy_audit import audit_published
    from ppid.publishing.publisher import open_publisher

    platform = open_platform()
    unknown = [slug for slug in dinas_slugs if platform.registry.get(slug) is None]
    if unknown:
        _usage_error(_("Dinas tidak dikenal: %(slugs)s.", slugs=", ".join(unknown)))
    with open_publisher(platform) as publisher:
        audit = audit_published(platform, publisher, dinas_slugs=list(dinas_slugs) or None, progress=True)
    for held in audit.held:
        click.echo(_("Ditahan: %(dinas)s/%(dataset)s/%(file)s. %(summary)s", dinas=held.dinas_slug,
                     dataset=held.dataset_name, file=held.file_name, summary=held.summary))
    for name, reason in audit.unreadable:
        click.echo(_("Tidak dapat dibaca, dicoba lagi pada pemindaian berikutnya: %(file)s (%(reason)s).",
                     file=name, reason=reason), err=True)
    for dinas_slug, dataset_name, reason in audit.not_republished:
        click.echo(_("Katalog tidak dapat dijangkau; %(dinas)s/%(dataset)s masih menyajikan berkas yang ditahan "
                     "dan diterbitkan ulang pada pemindaian berikutnya (%(reason)s).", dinas=dinas_slug,
                     dataset=dataset_name, reason=reason), err=True)
    click.echo(_("%(scanned)s berkas dipindai (%(decided)s sudah diputuskan sebelumnya), %(held)s ditahan, "
                 "%(republished)s dataset diterbitkan ulang.", scanned=audit.scanned, decided=audit.already_decided,
                 held=len(audit.held), republished=len(audit.republished)))
    if audit.held:
        sys.exit(1)
    if audit.unreadable or audit.not_republished:
        sys.exit(2)


def publish_configured_announcements(platform: Platform) -> list[str]:
    """Publish the announcements of ``config/pengumuman.yaml`` not yet published (each once), e.g. the sample
    region's; returns their titles."""
    from ppid.publication.announcements import publish_configured

    with platform.database.session() as session:
        return [announcement.title for announcement in publish_configured(
            session, platform.settings.config_dir, {dinas.slug for dinas in platform.registry.dinas})]


@main.command(help=N_(
    "Periksa satu berkas terhadap skema dan jelaskan setiap masalah, persis seperti pemanen.\n\n"
    "SKEMA boleh berupa nama skema dari schemas/, jalur berkas Table Schema JSON, atau jalur datapackage.json "
    "(skema sumber daya yang jalurnya sama dengan nama BERKAS, atau pilih dengan --resource). Pada berkas yang "
    "lama diperiksa, bilah kemajuan tampil di terminal.\n\n"
    "Kode keluar: 0 bila berkas valid; 1 bila berkas punya kesalahan; 2 bila perintahnya salah (berkas atau skema "
    "tidak ada, skema bukan JSON atau bukan Table Schema yang sah, pengaturan salah)."))
@click.argument("file", metavar="BERKAS", type=click.Path(path_type=Path))
@click.option("--schema", "schema_spec", required=True, metavar="SKEMA",
              help=N_("Nama skema dari schemas/ (nama berkas tanpa .json), jalur berkas Table Schema JSON, atau "
                      "jalur datapackage.json."))
@click.option("--resource", metavar="NAMA",
              help=N_("Sumber daya datapackage.json yang skemanya dipakai. Bawaan: yang jalurnya sama dengan nama "
                      "BERKAS, atau satu-satunya yang berskema."))
@click.option(
    "--rows-to-fix",
    type=click.Path(path_type=Path),
    metavar="BERKAS",
    help=N_("Tulis juga CSV baris yang perlu diperbaiki ke jalur ini."),
)
@click.option("--limit-errors", type=int, default=None, metavar="N",
              help=N_("Berhenti setelah sebanyak ini kesalahan (bawaan: cari semua)."))
@click.option(
    "--format",
    "output_format",
    type=click.Choice(["text", "json", "csv"]),
    default="text",
    help=N_("text: laporan untuk dibaca; json: seluruh laporan untuk program; csv: satu baris per masalah. "
            "Bawaan: text."),
)
@click.option(
    "--engine",
    type=click.Choice(["auto", "kolom", "baris", "frictionless"]),
    default="auto",
    help=N_("Mesin pemeriksa baris. auto: mesin kolom, kecuali berkas CSV kecil yang dibaca baris demi baris dan "
            "skema dengan foreignKeys yang dibaca frictionless; kolom: selalu mesin kolom; baris: baris demi baris; "
            "frictionless: frictionless sendiri, untuk memeriksa silang. Laporannya sama. Bawaan: auto."),
)
@friendly_errors
def validate(
    file: Path, schema_spec: str, resource: str | None, rows_to_fix: Path | None, limit_errors: int | None,
    output_format: str, engine: str,
) -> None:
    # Only the validation floor is imported: no database, web app or storage client (see test_cli_startup.py).
    from ppid.terminal import ValidationBar
    from ppid.validation.engine import InvalidSchemaError, validate_table
    from ppid.validation.reference import region_codes
    from ppid.validation.render import render
    from ppid.validation.report import write_rows_to_fix
    from ppid.validation.schemas import SchemaFileError, SchemaNotFoundError, resolve_schema

    settings = checked_settings()
    if not file.is_file():
        _usage_error(_("Berkas %(path)s tidak ada.", path=file) if not file.exists()
                     else _("%(path)s adalah folder, bukan berkas.", path=file))
    if limit_errors is not None and limit_errors < 0:
        _usage_error(_("--limit-errors harus 0 atau lebih, bukan %(value)s.", value=limit_errors))
    if rows_to_fix is not None and (rows_to_fix.is_dir() or not rows_to_fix.parent.is_dir()):  # now, not later
        _usage_error(_("%(path)s adalah folder; --rows-to-fix perlu jalur berkas CSV.", path=rows_to_fix)
                     if rows_to_fix.is_dir() else
                     _("Folder %(path)s untuk --rows-to-fix tidak ada.", path=rows_to_fix.parent))
    with _command_log(settings.home / "logs" / "validate.log") as log_path:
        try:
            schema = resolve_schema(schema_spec, settings.schemas_dir, file, resource=resource)
            reference = region_codes(settings.schemas_dir) if schema.uses_reference else None
            with ValidationBar() as bar:
                result = validate_table(file, schema.descriptor, limit_errors=limit_errors, reference=reference,
                                        progress=bar.update, engine=engine, rows_to_fix=rows_to_fix is not None)
            with result:
                result.report.schema_name = schema.name
                click.echo(render(result.report, output_format))
                if rows_to_fix is not None:
                    try:
                        write_rows_to_fix(result, rows_to_fix)
                    except OSError as error:
                        _usage_error(_("%(path)s tidak dapat ditulis: %(reason)s.", path=rows_to_fix,
                                       reason=getattr(error, "strerror", None) or error))
        except (SchemaNotFoundError, SchemaFileError) as error:
            _usage_error(str(error))
        except InvalidSchemaError as error:
            _usage_error(_("Skema %(schema)s bukan Table Schema yang sah: %(reason)s.", schema=schema_spec,
                           reason=_frictionless_reason(error)))
        except Exception:  # the traceback goes to the log, the officer gets one sentence
            logging.getLogger("ppid.validate").exception("ppid validate %s --schema %s", file, schema_spec)
            _usage_error(_("Validasi berhenti karena kesalahan di dalam ppid; rinciannya ditulis di %(path)s.",
                           path=log_path))
    sys.exit(0 if result.report.valid else 1)


def _frictionless_reason(error: Exception) -> str:
    """Frictionless's message without its wrapping (``[schema-error] Schema is not valid: descriptor is not valid
    (...)``): the part that names the property."""
    text = " ".join(str(error).split())
    text = re.sub(r"^\[[\w-]+\]\s*", "", text)
    inner = re.search(r"\((.+)\)$", text)
    return (inner.group(1) if inner else text).rstrip(". ") or type(error).__name__


def _usage_error(message: str) -> NoReturn:
    """One sentence on stderr and exit code 2: the command or its settings are wrong, not the data."""
    click.echo(message, err=True)
    sys.exit(2)


@contextmanager
def _command_log(path: Path) -> Iterator[Path]:
    """Warnings and tracebacks of one command go to ``path`` (under PPID_HOME), never to the terminal; the file
    is created only when something is written to it."""
    handler = logging.FileHandler(path, encoding="utf-8", delay=True)
    handler.setLevel(logging.WARNING)
    handler.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(name)s: %(message)s"))
    root = logging.getLogger()
    root.addHandler(handler)
    logging.captureWarnings(True)
    path.parent.mkdir(parents=True, exist_ok=True)
    try:
        yield path
    finally:
        logging.captureWarnings(False)
        root.removeHandler(handler)
        handler.close()
