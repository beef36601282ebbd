"""Optional PAdES signature of the issued letters with the pemda's certificate (pyHanko, extra ``sign``).

Configured with ``permohonan.signing.certificate`` (a PKCS#12 file holding the key and the certificate) and the
name of the environment variable holding its passphrase (``permohonan.signing.passphrase_env``), so that no secret
sits in defaults.yaml. Without it the letters are unsigned and still verifiable by their SHA-256 and code.
"""

from __future__ import annotations

import io
import os
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from ppid.config import ConfigError
from ppid.i18n import _

FIELD_NAME = "TandaTanganPPID"


@dataclass(frozen=True)
class Signer:
    certificate: Path
    key: Any
    """pyHanko's signer holding the key and the certificate, read once at start-up."""

    def sign(self, pdf: bytes) -> bytes:
        """``pdf`` with an incremental PAdES (B-B) signature appended; the bytes before it stay as drawn."""
        from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter
        from pyhanko.sign import signers
        from pyhanko.sign.fields import SigSeedSubFilter

        metadata = signers.PdfSignatureMetadata(field_name=FIELD_NAME, subfilter=SigSeedSubFilter.PADES,
                                                md_algorithm="sha256")
        output = io.BytesIO()
        signers.sign_pdf(IncrementalPdfFileWriter(io.BytesIO(pdf)), metadata, signer=self.key, output=output)
        return output.getvalue()


def signer_from(section: dict[str, Any]) -> Signer | None:
    """The signer of ``permohonan.signing``, or None when no certificate is configured; a certificate that is
    configured but unusable stops start-up with one sentence, rather than letters going out unsigned."""
    if not section.get("certificate"):
        return None
    path = Path(str(section["certificate"])).expanduser()
    if not path.is_file():
        raise ConfigError(_("permohonan.signing.certificate: berkas %(path)s tidak ada.", path=path))
    try:
        from pyhanko.sign import signers
    except ImportError as error:
        raise ConfigError(_("permohonan.signing memerlukan pyHanko: pasang dengan pip install "
                            "'ppid[sign]'.")) from error
    variable = section.get("passphrase_env")
    passphrase = os.environ.get(str(variable), "").encode("utf-8") if variable else b""
    key = signers.SimpleSigner.load_pkcs12(str(path), passphrase=passphrase or None)
    if key is None:
        raise ConfigError(_("permohonan.signing.certificate: %(path)s bukan berkas PKCS#12 yang dapat dibuka dengan "
                            "kata sandinya.", path=path))
    return Signer(path, key)
