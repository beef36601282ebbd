"""Tracking links sent on request ("kirim tautan ke e-mail saya"): how a requester who lost the receipt gets back
to the request without the registration number and the e-mail ever showing anything by themselves.

The secret of the first tracking link is stored only as its hash, so it cannot be sent again. Instead the
requester asks with the number and the e-mail given at filing, and when both match, a new link is e-mailed to
that address: a signed, time-limited token (itsdangerous, keyed by the personal-data key) naming the request.
Nothing is stored for it, and the answer to the asker is the same whether the pair matched or not, so knowing
someone's e-mail and guessing sequential numbers reveals nothing, not even that the request exists.
A signed token has dots in it; the secret of the first link never has (``secrets.token_urlsafe``), which tells
them apart.
"""

from __future__ import annotations

from itsdangerous import BadSignature, URLSafeTimedSerializer

LINK_VALID_DAYS = 7
"""How long an e-mailed link opens the request; the requester can ask for a new one at any time."""
SALT = "ppid-permohonan-tautan-lacak"


class TrackingLinks:
    """Issues and reads the signed tracking tokens e-mailed on request."""

    def __init__(self, secret: str) -> None:
        self._serializer = URLSafeTimedSerializer(secret, salt=SALT)

    def issue(self, permohonan_id: int) -> str:
        return self._serializer.dumps(permohonan_id)

    def resolve(self, token: str) -> int | None:
        """The request a token names, or None when it is forged, altered or older than :data:`LINK_VALID_DAYS`."""
        if not is_signed(token):
            return None
        try:
            value = self._serializer.loads(token, max_age=LINK_VALID_DAYS * 24 * 3600)
        except BadSignature:  # SignatureExpired is one too
            return None
        return value if isinstance(value, int) else None


def is_signed(token: str) -> bool:
    return "." in token
