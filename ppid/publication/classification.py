"""The category of a piece of public information (berkala, serta-merta, setiap saat, dikecualikan)."""

from __future__ import annotations
