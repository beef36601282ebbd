"""The dinas registry: the shipped sample loads, and a malformed entry is pointed at precisely."""

from __future__ import annotations

from pathlib import Path

import pytest

from ppid.config import ConfigError
from ppid.registry import load_registry

REPO = Path(__file__).resolve().parents[2]

VALID_DINAS = """
  - slug: dinkes
    name: Dinas Kesehatan
    ppid: {name: PPID Dinkes, email: ppid@dinkes.go.id}
    sources:
      - kind: folder
        path: data
        rules:
          - match: "*.csv"
            schema: fasilitas_kesehatan
            dataset: {title: Fasilitas Kesehatan}
"""


def write_registry(tmp_path: Path, dinas_yaml: str) -> Path:
    path = tmp_path / "dinas.yaml"
    path.write_text("region: {name: Kabupaten Uji}\ndinas:\n" + dinas_yaml, encoding="utf-8")
    return path


def test_the_bundled_sample_region_loads() -> None:
    registry = load_registry(REPO / "config" / "dinas.yaml")

    assert {dinas.slug for dinas in registry.dinas} >= {"dinkes", "disdukcapil", "bpkad"}
    folder = registry.get("dinkes").sources[0]
    assert Path(folder.options["path"]).is_dir()
    assert folder.source_id == "dinkes/folder-data"


def test_source_paths_are_relative_to_the_registry_file(tmp_path: Path) -> None:
    registry = load_registry(write_registry(tmp_path, VALID_DINAS))

    assert registry.get("dinkes").sources[0].options["path"] == str(tmp_path / "data")


def test_rules_match_file_names_case_insensitively(tmp_path: Path) -> None:
    source = load_registry(write_registry(tmp_path, VALID_DINAS)).sources[0]

    assert source.rule_for("2024/FASKES.CSV").schema == "fasilitas_kesehatan"
    assert source.rule_for("profil.pdf") is None


@pytest.mark.parametrize(
    ("broken", "pointer"),
    [
        (VALID_DINAS.replace("path: data", "pathh: data"), "dinas[0] (dinkes) › sources[0]"),
        (VALID_DINAS.replace("kind: folder", "kind: ftp"), "dinas[0] (dinkes) › sources[0] › kind"),
        (VALID_DINAS.replace("email: ppid@dinkes.go.id", "email: bukan-email"), "dinas[0] (dinkes) › ppid › email"),
        (VALID_DINAS.replace("slug: dinkes", "slug: Dinas Kesehatan!"), "dinas[0]"),
        (VALID_DINAS + VALID_DINAS.replace("Dinas Kesehatan", "Lain"), "dinas[1] (dinkes) › slug"),
    ],
)
def test_a_malformed_entry_is_named(tmp_path: Path, broken: str, pointer: str) -> None:
    with pytest.raises(ConfigError) as caught:
        load_registry(write_registry(tmp_path, broken))

    assert pointer in str(caught.value)
    assert "\n" not in str(caught.value)


def test_yaml_syntax_errors_give_the_line(tmp_path: Path) -> None:
    path = tmp_path / "dinas.yaml"
    path.write_text("dinas:\n  - slug: [unclosed\n", encoding="utf-8")

    with pytest.raises(ConfigError, match="baris"):
        load_registry(path)


def test_a_folder_rule_without_a_title_is_named(tmp_path: Path) -> None:
    untitled = VALID_DINAS.replace("dataset: {title: Fasilitas Kesehatan}", "dataset: {}")

    with pytest.raises(ConfigError) as caught:
        load_registry(write_registry(tmp_path, untitled))

    assert "dinas[0] (dinkes) › sources[0] › rules[0] › dataset › title: wajib diisi" in str(caught.value)


def test_a_ckan_rule_may_leave_the_description_to_the_remote_dataset(tmp_path: Path) -> None:
    ckan = VALID_DINAS.replace("kind: folder\n        path: data", "kind: ckan\n        url: https://data.contoh.go.id\n"
                               "        organization: dinkes").replace("{title: Fasilitas Kesehatan}", "{satuan: unit}")
    rule = load_registry(write_registry(tmp_path, ckan)).sources[0].rules[0]

    metadata = rule.metadata_for({"name": "faskes", "title": "Faskes", "tags": ["kesehatan"], "extra": "x"})

    assert metadata["title"] == "Faskes" and metadata["tags"] == ["kesehatan"] and metadata["satuan"] == "unit"
    assert metadata["frequency"] == "tahunan" and "extra" not in metadata
