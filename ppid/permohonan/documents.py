"""The requester's identity documents: a KTP scan and, for a proxy, the surat kuasa khusus (kip-rules §5.3 f, §5.4).

Each file is checked by its content (PDF, JPEG or PNG magic bytes: the name and the browser's media type
prove nothing), limited in size, encrypted with the personal-data key and stored through
:mod:`ppid.storage` under a random key that names neither the request nor the person. Only the reference
is kept, in ``Requester.identity_documents``, which public pages and the API never read (kip-rules §8:
"KTP scan: never public").

The name the requester's file had is not kept: people name a scan after what is on it ("KTP 3201014507900001
Siti.jpg"), so it would be a NIK in clear beside the encrypted one. Officers see and download each document
under a name made from its kind, the request's number and its type (:func:`display_name`). References written
before this held ``nama_berkas``; migration 0025 removes it from every row, and nothing read it before that.
"""

from __future__ import annotations

import hashlib
import io
import re
import secrets
from dataclasses import dataclass
from typing import IO, Any

from ppid.i18n import _
from ppid.permohonan.identity import PersonalDataCipher
from ppid.storage import Storage

MAX_BYTES = 5 * 1024 * 1024
KEY_PREFIX = "permohonan/identitas/"
IDENTITY = "ktp"
POWER_OF_ATTORNEY = "surat_kuasa"
FIELDS = {IDENTITY: "dokumen_identitas", POWER_OF_ATTORNEY: "surat_kuasa"}
"""Form field of each kind of document."""
SIGNATURES = ((b"%PDF-", "application/pdf"), (b"\xff\xd8\xff", "image/jpeg"), (b"\x89PNG\r\n\x1a\n", "image/png"))


class DocumentError(ValueError):
    """A file that cannot be accepted; ``field`` names the form field, the message says what to do."""

    def __init__(self, field: str, message: str) -> None:
        super().__init__(message)
        self.field = field


@dataclass(frozen=True)
class Upload:
    kind: str
    """:data:`IDENTITY` or :data:`POWER_OF_ATTORNEY`."""
    data: bytes
    media_type: str


def kind_label(kind: str) -> str:
    return _("Kartu identitas (KTP)") if kind == IDENTITY else _("Surat kuasa khusus")


def read_upload(kind: str, filename: str | None, stream: IO[bytes]) -> Upload | None:
    """Check one uploaded file; None when none was chosen (no name, no bytes). Reads at most one byte past the
    limit. The name only tells whether a file was chosen: it is not kept."""
    data = stream.read(MAX_BYTES + 1)
    if not filename and not data:
        return None
    field = FIELDS[kind]
    if len(data) > MAX_BYTES:
        raise DocumentError(field, _("Berkas terlalu besar: paling besar 5 MB. Perkecil hasil pindaian, lalu unggah "
                                     "lagi."))
    media_type = next((media for magic, media in SIGNATURES if data.startswith(magic)), None)
    if media_type is None:
        raise DocumentError(field, _("Berkas harus PDF, JPEG atau PNG (isi berkas diperiksa, bukan namanya)."))
    return Upload(kind=kind, data=data, media_type=media_type)


def store(storage: Storage, cipher: PersonalDataCipher, upload: Upload) -> dict[str, Any]:
    """Encrypt and store ``upload``; returns the reference kept with the requester's personal data."""
    key = KEY_PREFIX + secrets.token_urlsafe(32)
    stored = storage.put(key, io.BytesIO(cipher.encrypt(upload.data)), content_type="application/octet-stream")
    return {"jenis": upload.kind, "kunci": stored.key, "tipe": upload.media_type, "ukuran": len(upload.data),
            "sha256": hashlib.sha256(upload.data).hexdigest()}


EXTENSIONS = {"application/pdf": ".pdf", "image/jpeg": ".jpg", "image/png": ".png"}
KIND_NAMES = {IDENTITY: "ktp", POWER_OF_ATTORNEY: "surat-kuasa"}


def display_name(reference: dict[str, Any], number: str) -> str:
    """The name a document is shown and downloaded under: ``ktp-0001-PPID-DINKES-2026.png``, whatever the file was
    called when it was uploaded (also for references that still hold that name)."""
    request = re.sub(r"[^0-9A-Za-z]+", "-", number).strip("-")
    return f"{KIND_NAMES.get(reference['jenis'], 'dokumen')}-{request}{EXTENSIONS.get(reference['tipe'], '')}"


def read(storage: Storage, cipher: PersonalDataCipher, reference: dict[str, Any]) -> bytes:
    with storage.open(reference["kunci"]) as stream:
        return cipher.decrypt(stream.read())


def safe_name(filename: str, default: str = "berkas") -> str:
    """The name shown and used for a download: no path, no control characters."""
    name = re.sub(r"[^\w .()-]+", "_", filename.replace("\\", "/").rsplit("/", 1)[-1]).strip(" ._")
    return name[:120] or default
