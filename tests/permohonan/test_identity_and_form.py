"""The request form's rules (kip-rules §5.3-5.4) and the NIK structure check, field by field."""

from __future__ import annotations

import pytest

from ppid.i18n import language
from ppid.permohonan.identity import mask_nik, nik_problem, normalise_phone
from ppid.permohonan.workflow import InvalidInput

from .conftest import filing


@pytest.mark.parametrize(
    "nik",
    [
        "3201011203900001",  # Jawa Barat, man born 12 March 1990
        "3201015203900001",  # the same date for a woman: day + 40
        "9601012902000001",  # Papua Barat Daya (2022), born 29 February 2000
        "1101017112990001",  # woman born 31 December 1999
    ],
)
def test_plausible_niks_are_accepted(nik: str) -> None:
    assert nik_problem(nik) is None


@pytest.mark.parametrize(
    ("nik", "problem"),
    [
        ("320101120390000", "16 angka"),
        ("32010112039000O1", "16 angka"),
        ("2001011203900001", "kode provinsi"),
        ("3200011203900001", "tidak boleh 00"),
        ("3201013202900001", "tanggal lahir"),  # 32 February
        ("3201013102900001", "tanggal lahir"),  # 31 February
        ("3201012902010001", "tanggal lahir"),  # 29 February 2001
        ("3201017203900001", "tanggal lahir"),  # day 72 - 40 = 32
        ("3201011213900001", "tanggal lahir"),  # month 13
        ("3201011203900000", "0000"),
    ],
)
def test_implausible_niks_are_explained(nik: str, problem: str) -> None:
    assert problem in nik_problem(nik)


def test_nik_is_masked_and_phone_numbers_normalised() -> None:
    assert mask_nik("3201011203900001") == "3201********0001"
    assert normalise_phone("+62 812-3456-7890") == "+6281234567890"
    assert normalise_phone("telepon saya") is None


def errors_for(workflow, data) -> dict[str, list[str]]:
    with pytest.raises(InvalidInput) as refused:
        workflow.file(data)
    return refused.value.errors


def test_every_missing_field_is_named_at_once_in_bahasa_indonesia(workflow) -> None:
    errors = errors_for(workflow, {})
    assert set(errors) == {"nama", "jenis_pemohon", "alamat", "rincian_informasi", "tujuan_penggunaan",
                           "cara_memperoleh", "dinas", "pekerjaan", "pernyataan", "telepon", "email"}
    assert errors["nama"] == ["Wajib diisi."]
    assert "telepon atau e-mail" in errors["email"][0]


def test_purpose_of_use_is_required(workflow) -> None:
    """UU KIP Pasal 4(3): a request states its reason."""
    assert errors_for(workflow, filing(tujuan_penggunaan="   ")) == {"tujuan_penggunaan": ["Wajib diisi."]}


def test_a_person_gives_a_nik_and_a_legal_entity_its_decree_number(workflow) -> None:
    assert "NIK" in errors_for(workflow, filing(nik=None))["nik"][0]
    assert "kode provinsi" in errors_for(workflow, filing(nik="9901011203900001"))["nik"][0]
    errors = errors_for(workflow, filing(jenis_pemohon="badan_hukum", nik=None))
    assert list(errors) == ["nomor_sk_pengesahan"]
    permohonan = workflow.file(filing(jenis_pemohon="badan_hukum", nik=None,
                                      nomor_sk_pengesahan="AHU-0012345.AH.01.07.TAHUN 2020")).permohonan
    assert permohonan.requester_type.value == "badan_hukum"


def test_a_copy_needs_its_format_and_delivery_and_email_delivery_needs_an_address(workflow) -> None:
    errors = errors_for(workflow, filing(format_salinan=None, cara_mendapatkan_salinan=None))
    assert set(errors) == {"format_salinan", "cara_mendapatkan_salinan"}
    assert set(errors_for(workflow, filing(email=None))) == {"email"}
    inspect_only = workflow.file(filing(cara_memperoleh="melihat")).permohonan
    assert (inspect_only.copy_format, inspect_only.delivery_method) == (None, None)


def test_unknown_choices_and_dinas_are_refused_with_the_valid_choices(workflow) -> None:
    errors = errors_for(workflow, filing(cara_mendapatkan_salinan="merpati", dinas="dinas-fiktif"))
    assert errors["cara_mendapatkan_salinan"] == ["Pilih salah satu: mengambil_langsung, kurir, pos, faksimili, email."]
    assert "Tidak tahu" in errors["dinas"][0]


def test_error_messages_follow_the_interface_language(workflow) -> None:
    with language("en"):
        errors = errors_for(workflow, filing(nama=""))
    assert errors["nama"] in (["Wajib diisi."], ["Required."])  # English once the coordinator translates it
