"""E-mail: every message is on the delivery log before it is sent, and nothing is lost when SMTP is down."""

from __future__ import annotations

import socket
from email.policy import Compat32, compat32

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from sqlalchemy import select

from ppid.config import ConfigError, load_settings
from ppid.mail import QUICK_COMPAT32, DeliveryStatus, MailDelivery, retry_failed, send_mail
from ppid.platform import Platform


def _platform_with(environ: dict[str, str], **extra: str) -> Platform:
    return Platform.open(load_settings(environ={**environ, **extra}))


def _deliveries(platform: Platform) -> list[MailDelivery]:
    with platform.database.session() as session:
        rows = list(session.scalars(select(MailDelivery).order_by(MailDelivery.id)))
        session.expunge_all()
        return rows


def test_a_message_reaches_a_real_smtp_server_and_the_log_keeps_the_servers_reply(environ, smtp_server) -> None:
    url, received = smtp_server
    platform = _platform_with(environ, PPID_SMTP_URL=url, PPID_MAIL_FROM="PPID Kab. Contoh <ppid@contoh.go.id>")

    send_mail(platform, to="warga@example.org", subject="Permohonan 001/2026 diterima",
              body="Nomor pendaftaran Anda 001/2026.", category="permohonan.diterima", reference="001/2026")

    [message] = received.messages
    assert message["To"] == "warga@example.org"
    assert message["From"].addresses[0].addr_spec == "ppid@contoh.go.id"
    assert "001/2026" in message.get_content()
    [delivery] = _deliveries(platform)
    assert delivery.status is DeliveryStatus.SENT
    assert delivery.message_id == message["Message-ID"]
    assert delivery.server_reply.startswith("250")
    assert delivery.sent_at is not None


def test_an_unreachable_smtp_server_leaves_a_failed_delivery_that_a_retry_sends(environ, smtp_server) -> None:
    with socket.socket() as probe:  # a port nobody listens on
        probe.bind(("127.0.0.1", 0))
        dead_port = probe.getsockname()[1]
    down = _platform_with(environ, PPID_SMTP_URL=f"smtp://127.0.0.1:{dead_port}")

    send_mail(down, to="warga@example.org", subject="Pemberitahuan", body="Isi", category="uji")

    [failed] = _deliveries(down)
    assert failed.status is DeliveryStatus.FAILED
    assert "ConnectionRefused" in failed.last_error
    url, received = smtp_server
    up = _platform_with(environ, PPID_SMTP_URL=url)
    assert retry_failed(up) == 1
    [sent] = _deliveries(up)
    assert sent.status is DeliveryStatus.SENT
    assert sent.attempts == 2
    assert len(received.messages) == 1
    assert retry_failed(up) == 0  # nothing sent twice


def test_without_smtp_messages_are_saved_to_the_outbox_folder(environ, settings) -> None:
    platform = _platform_with(environ)

    send_mail(platform, to="warga@example.org", subject="Uji", body="Isi pesan", category="uji")

    [saved] = sorted((settings.home / "outbox").glob("*.eml"))
    assert b"Isi pesan" in saved.read_bytes()
    assert _deliveries(platform)[0].status is DeliveryStatus.SAVED


@pytest.mark.parametrize("url", ["mailto:ppid@contoh.go.id", "smtp://", "http://mail.contoh.go.id"])
def test_a_wrong_smtp_url_stops_start_up_with_one_sentence(environ, url: str) -> None:
    with pytest.raises(ConfigError, match="PPID_SMTP_URL"):
        load_settings(environ={**environ, "PPID_SMTP_URL": url})


def test_the_smtp_password_never_appears_in_the_settings_repr(environ) -> None:
    settings = load_settings(environ={**environ, "PPID_SMTP_URL": "smtps://ppid:rahasia-sekali@mail.contoh.go.id"})
    assert "rahasia-sekali" not in repr(settings)


def test_ppid_mail_retry_sends_what_failed(environ, smtp_server, monkeypatch) -> None:
    from click.testing import CliRunner

    from ppid.cli import main

    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        dead_port = probe.getsockname()[1]
    send_mail(_platform_with(environ, PPID_SMTP_URL=f"smtp://127.0.0.1:{dead_port}"),
              to="warga@example.org", subject="Uji", body="Isi", category="uji")
    url, received = smtp_server
    for name, value in {**environ, "PPID_SMTP_URL": url}.items():
        monkeypatch.setenv(name, value)

    result = CliRunner().invoke(main, ["mail", "retry"])

    assert result.exit_code == 0, result.output
    assert "1 pesan" in result.output
    assert len(received.messages) == 1


def _folded(policy: Compat32, name: str, value: str) -> bytes | type[Exception]:
    try:
        return policy.fold_binary(name, value)
    except Exception as error:  # the standard library's refusal is part of what must match
        return type(error)


HEADER_TEXT = (st.text(max_size=120)
               | st.text(st.characters(max_codepoint=127), max_size=120)
               | st.text(st.sampled_from(" \taZ09=?:;,.<>@\"()"), max_size=120))


@settings(max_examples=3000, deadline=None)
@given(name=st.sampled_from(["From", "To", "Subject", "Message-ID", "Date", "Content-Type", "X-Panjang-Sekali"]),
       value=HEADER_TEXT)
def test_headers_are_written_exactly_as_the_standard_librarys_compat32_writes_them(name: str, value: str) -> None:
    """The courier's quick way to write a header (issue 17) is the standard library's, byte for byte: short
    printable ASCII, long lines that must fold, non-ASCII that must be encoded, control characters."""
    for linesep in ("\n", "\r\n"):
        assert _folded(QUICK_COMPAT32.clone(linesep=linesep), name, value) == \
            _folded(compat32.clone(linesep=linesep), name, value)
