"""The public registers (DIP, DIK) and the officer pages that keep them."""

from __future__ import annotations

from flask import Blueprint

blueprint = Blueprint("publikasi", __name__)
