"""The sample region's registers (config/informasi-publik.yaml): after the quick start a new user sees a DIP set by
an SK with declared entries, and a DIK with one entry due for review; loading again adds nothing."""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy import func, select

from ppid.config import ConfigError, load_settings
from ppid.platform import Platform
from ppid.publication.models import DeclaredInformation, DipDecree, ExemptInformation
from ppid.publication.seeding import FILE_NAME, load_registers

REPO = Path(__file__).resolve().parents[2]


@pytest.fixture
def platform(environ):  # the bundled sample region, as the quick start runs it
    opened = Platform.open(load_settings(environ=environ))
    yield opened
    opened.close()


def load(platform, path: Path) -> int:
    with platform.database.session() as session:
        return load_registers(session, platform.storage, platform.registry, path)


def counts(platform) -> tuple[int, int, int]:
    with platform.database.session() as session:
        return tuple(session.scalar(select(func.count()).select_from(model))
                     for model in (DipDecree, DeclaredInformation, ExemptInformation))


def test_the_quick_start_shows_the_dip_its_sk_and_the_dik(platform, client) -> None:
    assert load(platform, REPO / "config" / FILE_NAME) == 7

    dip = client.get("/informasi-publik").get_data(as_text=True)
    assert "188.45/12/KPTS/2026" in dip
    assert "Buku Register Izin Praktik Tenaga Kesehatan" in dip and "Laporan Penyaluran Bantuan Sosial" in dip
    document = client.get("/api/informasi-publik").get_json()
    sk = client.get(document["sk"]["dokumen"].removeprefix(platform.settings.public_url))
    assert sk.status_code == 200 and sk.get_data().startswith(b"%PDF")
    dik = client.get("/informasi-dikecualikan").get_data(as_text=True)
    assert "Data nama dan alamat penerima bantuan sosial per keluarga" in dik
    assert dik.count("perlu ditinjau ulang") == 1  # the dinkes entry ended on 5 March 2025
    assert load(platform, REPO / "config" / FILE_NAME) == 0
    assert counts(platform) == (1, 3, 3)


def test_a_mistake_in_the_file_names_the_entry(platform, tmp_path: Path) -> None:
    path = tmp_path / FILE_NAME
    path.write_text("dik:\n  - {dinas: dinkes, public_title: Sesuatu yang rahasia, pasal_17_letter: z}\n",
                    encoding="utf-8")

    with pytest.raises(ConfigError, match=r"dik\[0\] › pasal_17_letter: huruf a sampai j"):
        load(platform, path)
    assert counts(platform) == (0, 0, 0)


@pytest.mark.parametrize(("text", "said"), [
    ("dip: [\n", r"bukan YAML yang sah \(baris 2\)"),
    ("- 1\n- 2\n", r"harus berupa bagian sk, dip dan dik"),
    ("dip: nope\n", r"dip harus berupa daftar entri"),
    ("dik: [nope]\n", r"dik\[0\] harus berupa isian"),
])
def test_a_file_of_the_wrong_shape_is_named_in_one_sentence(platform, tmp_path: Path, text: str, said: str) -> None:
    path = tmp_path / FILE_NAME
    path.write_text(text, encoding="utf-8")

    with pytest.raises(ConfigError, match=said):
        load(platform, path)
    assert counts(platform) == (0, 0, 0)
