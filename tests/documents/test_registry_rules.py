"""Which files are documents: a rule says ``kind: document`` (or has no schema); a table rule needs its schema."""

from __future__ import annotations

from pathlib import Path

import pytest

from ppid.config import ConfigError
from ppid.registry import load_registry

RULE = """
region: {name: Kabupaten Uji}
dinas:
  - slug: dinkes
    name: Dinas Kesehatan
    ppid: {name: PPID Dinkes, email: ppid@dinkes.go.id}
    sources:
      - kind: folder
        path: data
        rules:
          - match: "*.pdf"
%s
            dataset: {title: Laporan}
"""


def load(tmp_path: Path, lines: str):
    path = tmp_path / "dinas.yaml"
    path.write_text(RULE % lines, encoding="utf-8")
    return load_registry(path).sources[0].rules[0]


def test_a_rule_marked_document_or_without_schema_harvests_documents(tmp_path: Path) -> None:
    assert load(tmp_path, "            kind: document").is_document
    assert load(tmp_path, "").is_document
    assert not load(tmp_path, "            kind: table\n            schema: fasilitas_kesehatan").is_document


@pytest.mark.parametrize(
    ("lines", "words"),
    [
        ("            kind: table", "rules[0] › schema: wajib diisi untuk kind: table"),
        ("            kind: document\n            schema: fasilitas_kesehatan", "tidak dipakai untuk kind: document"),
        ("            kind: laporan", "rules[0] › kind"),
    ],
)
def test_a_rule_whose_kind_and_schema_disagree_is_named(tmp_path: Path, lines: str, words: str) -> None:
    with pytest.raises(ConfigError) as caught:
        load(tmp_path, lines)

    assert words in str(caught.value)
