"""Every response tells the browser not to sniff, frame or leak the address (tracking links hold secrets)."""

from __future__ import annotations

import pytest


@pytest.mark.parametrize("path", ["/", "/healthz", "/masuk", "/api/3/action/status_show", "/tidak-ada"])
def test_every_response_carries_the_security_headers(client, path: str) -> None:
    response = client.get(path)

    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert response.headers["X-Frame-Options"] == "DENY"
    assert response.headers["Referrer-Policy"] == "same-origin"
