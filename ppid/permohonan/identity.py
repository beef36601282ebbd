"""Checks and masks for the requester's identity data (kip-rules §5.3-5.4, §8).

The NIK check is about structure only: it catches typos and invented numbers, it cannot prove that a
NIK exists (only Dukcapil can). Structure of the 16 digits (Permendagri on population administration;
general knowledge, not from the KIP texts): 2 province, 2 kabupaten/kota, 2 kecamatan, 6 date of birth
as DDMMYY with 40 added to the day for women, and a 4-digit serial starting at 0001.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import re

from cryptography.fernet import Fernet
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.kdf.hkdf import HKDF
from sqlalchemy import select
from sqlalchemy.orm import Session

from ppid.i18n import _

PROVINCE_CODES = frozenset(
    {
        "11", "12", "13", "14", "15", "16", "17", "18", "19", "21",  # Sumatra, Kepulauan Riau
        "31", "32", "33", "34", "35", "36",  # Java
        "51", "52", "53",  # Bali, Nusa Tenggara
        "61", "62", "63", "64", "65",  # Kalimantan
        "71", "72", "73", "74", "75", "76",  # Sulawesi
        "81", "82",  # Maluku
        "91", "92", "93", "94", "95", "96",  # Papua, incl. the provinces formed in 2022
    }
)
_DAYS_IN_MONTH = (31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31)
_PHONE = re.compile(r"^\+?[0-9][0-9 ()-]{6,24}$")


def nik_problem(nik: str) -> str | None:
    """Why ``nik`` cannot be a NIK, in Bahasa Indonesia, or None when its structure is plausible."""
    if not re.fullmatch(r"[0-9]{16}", nik):
        return _("NIK harus 16 angka.")
    if nik[:2] not in PROVINCE_CODES:
        return _("Dua angka pertama NIK (%(code)s) bukan kode provinsi.", code=nik[:2])
    if nik[2:4] == "00" or nik[4:6] == "00":
        return _("Kode kabupaten/kota dan kecamatan pada NIK tidak boleh 00.")
    day, month, year = int(nik[6:8]), int(nik[8:10]), int(nik[10:12])
    if day > 40:  # women: day of birth + 40
        day -= 40
    if not 1 <= month <= 12 or not 1 <= day <= _DAYS_IN_MONTH[month - 1] or (month == 2 and day == 29 and year % 4):
        return _("Angka tanggal lahir pada NIK (digit 7-12) bukan tanggal yang mungkin.")
    if nik[12:] == "0000":
        return _("Empat angka terakhir NIK tidak boleh 0000.")
    return None


def normalise_phone(phone: str) -> str | None:
    """Digits (and a leading +) only, or None when it does not look like a phone number."""
    phone = phone.strip()
    if not _PHONE.match(phone):
        return None
    digits = re.sub(r"[^0-9+]", "", phone)
    return digits if 8 <= len(digits.lstrip("+")) <= 15 else None


def mask_nik(nik: str | None) -> str:
    """``3201********0001``: first 4 and last 4 (kip-rules §8, a design recommendation [U]); the officer page
    shows this until the officer asks for the full number."""
    return f"{nik[:4]}{'*' * 8}{nik[-4:]}" if nik else ""


class PersonalDataCipher:
    """Encryption at rest of the NIK and the identity scans (UU 27/2022 Pasal 35-39: security of personal data;
    kip-rules §8: "store encrypted"), with Fernet (AES-128-CBC + HMAC-SHA256) from ``cryptography``.

    The key is derived (HKDF-SHA256) from ``PPID_PERSONAL_DATA_KEY`` (default: a random secret generated in
    ``PPID_HOME``), kept apart from the session secret so that rotating the one never locks out the other.
    Losing it makes every stored NIK and scan unreadable: back it up with the database.
    """

    def __init__(self, secret: str) -> None:
        key = HKDF(algorithm=hashes.SHA256(), length=32, salt=None, info=b"ppid personal data v1").derive(
            secret.encode("utf-8")
        )
        self._fernet = Fernet(base64.urlsafe_b64encode(key))
        self._token_key = HKDF(algorithm=hashes.SHA256(), length=32, salt=None, info=b"ppid filing keys v1").derive(
            secret.encode("utf-8")
        )

    def filing_token(self, submission_key: str) -> str:
        """The tracking secret of a filing sent with a one-time key: derived from the key, so a retry with the
        same key (and the same contents) can be answered with the same link although only its hash is stored."""
        digest = hmac.new(self._token_key, submission_key.encode("utf-8"), hashlib.sha256).digest()
        return base64.urlsafe_b64encode(digest[:24]).decode("ascii").rstrip("=")

    def encrypt(self, data: bytes) -> bytes:
        return self._fernet.encrypt(data)

    def decrypt(self, token: bytes) -> bytes:
        return self._fernet.decrypt(token)

    def encrypt_nik(self, nik: str | None) -> str | None:
        return self.encrypt(nik.encode("ascii")).decode("ascii") if nik else None

    def decrypt_nik(self, stored: str | None) -> str | None:
        """The NIK; a bare 16-digit value is one stored before encryption existed (migration 0010), read as is."""
        if not stored:
            return None
        if re.fullmatch(r"[0-9]{16}", stored):
            return stored
        return self.decrypt(stored.encode("ascii")).decode("ascii")


def encrypt_stored_niks(session: Session, cipher: PersonalDataCipher) -> int:
    """Encrypt the NIKs stored in the clear before migration 0010 (``ppid permohonan encrypt-nik``); re-runnable."""
    from ppid.permohonan.models import Requester

    count = 0
    for requester in session.scalars(select(Requester).where(Requester.nik.is_not(None))):
        if re.fullmatch(r"[0-9]{16}", requester.nik):
            requester.nik = cipher.encrypt_nik(requester.nik)
            count += 1
    return count
