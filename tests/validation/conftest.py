"""Small schemas and messy files written on the fly: these tests never read the real ``schemas/``."""

from __future__ import annotations

import copy
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest

from ppid.i18n import language

from .helpers import HEADER, PENDUDUK


@pytest.fixture
def schema() -> dict[str, Any]:
    return copy.deepcopy(PENDUDUK)


@pytest.fixture(autouse=True)
def indonesian() -> Iterator[None]:
    """Every test starts in the default language, whatever an earlier test switched to."""
    with language("id"):
        yield


@pytest.fixture
def write_csv(tmp_path: Path) -> Callable[..., Path]:
    def write(rows: list[list[str]], name: str = "data.csv", *, delimiter: str = ",", newline: str = "\n",
              encoding: str = "utf-8", header: list[str] | None = HEADER, above: list[str] = ()) -> Path:
        lines = [*above]
        if header is not None:
            lines.append(delimiter.join(header))
        lines += [delimiter.join(row) for row in rows]
        path = tmp_path / name
        path.write_bytes("".join(line + newline for line in lines).encode(encoding))
        return path

    return write
