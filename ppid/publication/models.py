"""Tables of the publication registers: declared DIP entries, the SK that sets the DIP, the DIK."""

from __future__ import annotations
