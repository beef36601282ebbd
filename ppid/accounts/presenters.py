"""What the account log looks like to an administrator: each event's particulars as a sentence.

The log keeps codes for the audit (``grants: ['walidata']``, ``reason: wrong_password``); the account page
shows "Peran: Walidata — semua dinas" and "kata sandi salah" in the interface language.
"""

from __future__ import annotations

from collections.abc import Mapping

from ppid.accounts.models import AccountEvent, AccountEventKind, Role
from ppid.i18n import N_, _

REFUSAL_REASONS = {
    "wrong_password": N_("kata sandi salah"),
    "unknown_account": N_("akun tidak dikenal"),
    "inactive": N_("akun nonaktif"),
    "account_locked": N_("akun sedang dikunci"),
    "address_locked": N_("alamat sedang dikunci"),
}


def grant_words(code: str, dinas_names: Mapping[str, str]) -> str:
    """A grant as the log stores it (``petugas:dinkes``) as "Petugas data / PPID Pelaksana — Dinas Kesehatan"."""
    role, _sep, dinas = code.partition(":")
    label = Role(role).label if role in Role._value2member_map_ else role
    return f"{label} — {dinas_names.get(dinas, dinas) if dinas else _('semua dinas')}"


def event_details(event: AccountEvent, dinas_names: Mapping[str, str]) -> str:
    """The particulars of one account event as a sentence, or "" when its kind says everything."""
    detail, kind = event.detail or {}, event.kind
    if kind == AccountEventKind.USER_CREATED:
        grants = [grant_words(code, dinas_names) for code in detail.get("grants", [])]
        return _("Peran: %(grants)s.", grants="; ".join(grants)) if grants else _("Tanpa peran.")
    if kind in (AccountEventKind.ROLE_GRANTED, AccountEventKind.ROLE_REVOKED) and detail.get("grant"):
        return _("Peran: %(grants)s.", grants=grant_words(detail["grant"], dinas_names))
    if kind == AccountEventKind.LOGIN_FAILED and detail.get("reason"):
        reason = detail["reason"]
        return _("Sebab: %(reason)s.", reason=_(REFUSAL_REASONS[reason]) if reason in REFUSAL_REASONS else reason)
    if kind in (AccountEventKind.ACCOUNT_LOCKED, AccountEventKind.ADDRESS_LOCKED) and detail.get("minutes"):
        return _("Selama %(n)s menit.", n=detail["minutes"])
    if kind == AccountEventKind.TOKEN_CREATED:
        return _("Token “%(name)s” (nomor %(id)s).", name=detail.get("name", ""), id=detail.get("token_id", ""))
    if kind == AccountEventKind.TOKEN_REVOKED:
        return _("Token nomor %(id)s.", id=detail.get("token_id", ""))
    if kind == AccountEventKind.PASSWORD_RESET_REQUESTED:
        return _("Tautan untuk memilih kata sandi pertama.") if detail.get("welcome") else ""
    return ""
