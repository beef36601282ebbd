"""The pages: filing with a receipt, tracking without personal data, and the officer desk per dinas."""

from __future__ import annotations

import logging
import re

import pytest
from flask.testing import FlaskClient
from sqlalchemy import event, select

from ppid.permohonan.config import PermohonanConfig
from ppid.permohonan.deadlines import format_day
from ppid.permohonan.models import Channel, EventKind, Permohonan
from ppid.permohonan.workflow import Filed, Workflow

from .conftest import CONSEQUENCE_TEST, PASSWORD, filing

PERSONAL = ["Siti Rahmawati", "3201014507900001", "Jl. Merdeka", "0812", "siti@example.id", "Wartawan"]


def csrf(client: FlaskClient, url: str) -> str:
    page = client.get(url).get_data(as_text=True)
    return re.search(r'name="csrf_token" value="([^"]+)"', page).group(1)


def file_directly(platform, **overrides) -> Filed:
    """A request filed through the workflow and committed, as another requester would have done."""
    with platform.database.session() as session:
        return Workflow(session, PermohonanConfig.from_settings(platform.settings), platform.registry).file(
            filing(**overrides)
        )


def sign_in(client: FlaskClient, username: str) -> None:
    response = client.post("/masuk", data={"username": username, "password": PASSWORD,
                                           "csrf_token": csrf(client, "/masuk")})
    assert response.status_code == 302


def test_public_form_issues_the_number_at_once_and_shows_the_receipt(client, platform) -> None:
    token = csrf(client, "/permohonan/ajukan")
    response = client.post("/permohonan/ajukan", data={**filing(pernyataan="1"), "csrf_token": token})
    assert response.status_code == 303 and "/permohonan/tanda-bukti/" in response.location
    receipt = client.get(response.location)
    page = receipt.get_data(as_text=True)
    with platform.database.session() as session:
        permohonan = session.scalar(select(Permohonan))
        workflow = Workflow(session, PermohonanConfig.from_settings(platform.settings), platform.registry)
        due = workflow.status(permohonan).due
    assert permohonan.channel == Channel.WEB
    assert permohonan.number in page and "Tanda bukti" in page
    assert format_day(due, weekday=True) in page
    assert "/permohonan/lacak/" in page  # the secret tracking link, shown on the receipt
    assert receipt.headers["Referrer-Policy"] == "no-referrer" and receipt.headers["Cache-Control"] == "no-store"


def test_public_form_shows_every_error_next_to_its_field(client) -> None:
    response = client.post("/permohonan/ajukan", data={"csrf_token": csrf(client, "/permohonan/ajukan"),
                                                       "nama": "Siti", "nik": "12"})
    page = response.get_data(as_text=True)
    assert response.status_code == 422
    assert 'href="#f-alamat"' in page  # the summary links to the field
    assert 'id="f-nik-galat"' in page and "NIK harus 16 angka." in page
    assert re.search(r'id="f-nik"[^>]*aria-describedby="f-nik-petunjuk f-nik-galat" aria-invalid="true"', page)
    assert 'value="Siti"' in page  # what was typed is kept


def test_public_form_needs_the_csrf_token(client) -> None:
    assert client.post("/permohonan/ajukan", data=filing(pernyataan="1")).status_code == 400


def test_public_form_is_rate_limited_per_address(client) -> None:
    token = csrf(client, "/permohonan/ajukan")
    for _attempt in range(5):
        assert client.post("/permohonan/ajukan", data={"csrf_token": token}).status_code == 422
    refused = client.post("/permohonan/ajukan", data={"csrf_token": token})
    assert refused.status_code == 429 and "Terlalu banyak permintaan" in refused.get_data(as_text=True)
    assert client.get("/permohonan/ajukan").status_code == 200  # reading the form is not limited


def test_tracking_by_the_secret_link_shows_status_and_steps_without_personal_data(client, platform) -> None:
    filed = file_directly(platform)
    response = client.get(f"/permohonan/lacak/{filed.token}")
    page = response.get_data(as_text=True)
    assert response.status_code == 200
    assert filed.permohonan.number in page and "Batas pemberitahuan tertulis" in page
    assert "Permohonan diterima melalui laman web dan didaftarkan" in page
    for personal in PERSONAL:
        assert personal not in page


def test_the_number_with_another_email_reveals_nothing(client, platform) -> None:
    filed = file_directly(platform)
    response = client.post("/permohonan/lacak", data={"nomor": filed.permohonan.number, "email": "x@example.id",
                                                      "csrf_token": csrf(client, "/permohonan/lacak")})
    assert response.status_code == 200  # the same answer as for the right e-mail (test_privacy.py)
    assert filed.permohonan.information_requested not in response.get_data(as_text=True)
    assert filed.permohonan.number not in response.get_data(as_text=True)


def test_the_secret_link_shows_the_status_and_a_wrong_one_nothing(client, platform) -> None:
    filed = file_directly(platform)
    page = client.get(f"/permohonan/lacak/{filed.token}").get_data(as_text=True)
    assert filed.permohonan.number in page
    assert all(personal not in page for personal in PERSONAL)
    assert client.get("/permohonan/lacak/bukan-token").status_code == 404
    assert client.get("/permohonan/tanda-bukti/bukan-token").status_code == 404


def test_officer_desk_needs_a_sign_in(client) -> None:
    response = client.get("/permohonan/petugas/")
    assert response.status_code == 302 and "/masuk" in response.location


def test_officer_sees_and_opens_only_the_requests_of_their_own_dinas(
    client, platform, dinkes_officer, capil_officer, caplog
) -> None:
    caplog.set_level(logging.INFO, logger="ppid.permohonan.workflow")
    ours = file_directly(platform).permohonan
    theirs = file_directly(platform, dinas="disdukcapil", rincian_informasi="Jumlah penduduk per desa").permohonan
    sign_in(client, "petugas.dinkes")
    queue = client.get("/permohonan/petugas/").get_data(as_text=True)
    assert ours.number in queue and theirs.number not in queue
    assert client.get("/permohonan/petugas/?dinas=disdukcapil").status_code == 404
    detail = client.get(f"/permohonan/petugas/{ours.id}").get_data(as_text=True)
    assert "3201014507900001" in detail and "Siti Rahmawati" in detail  # the handling officer sees the requester
    assert f"personal data of permohonan {ours.number} read by user petugas.dinkes" in caplog.text
    assert client.get(f"/permohonan/petugas/{theirs.id}").status_code == 404
    token = csrf(client, f"/permohonan/petugas/{ours.id}")
    refused = client.post(f"/permohonan/petugas/{theirs.id}/tutup",
                          data={"alasan": "ditarik_pemohon", "csrf_token": token})
    assert refused.status_code == 404


def test_ppid_utama_sees_every_dinas_and_the_unrouted_requests(client, platform, ppid_utama) -> None:
    unrouted = file_directly(platform, dinas="tidak_tahu").permohonan
    other = file_directly(platform, dinas="bpkad").permohonan
    sign_in(client, "ppid.utama")
    queue = client.get("/permohonan/petugas/").get_data(as_text=True)
    assert unrouted.number in queue and other.number in queue
    only_unrouted = client.get("/permohonan/petugas/?dinas=tidak_tahu").get_data(as_text=True)
    assert unrouted.number in only_unrouted and other.number not in only_unrouted


def test_officer_extends_the_deadline_from_the_desk(client, platform, dinkes_officer) -> None:
    permohonan = file_directly(platform).permohonan
    sign_in(client, "petugas.dinkes")
    url = f"/permohonan/petugas/{permohonan.id}"
    response = client.post(f"{url}/perpanjang", data={"hari": "7", "alasan": "Data di 12 puskesmas",
                                                      "csrf_token": csrf(client, url)})
    assert response.status_code == 303
    page = client.get(url).get_data(as_text=True)
    assert "Tercatat: Batas waktu diperpanjang." in page and "Data di 12 puskesmas" in page
    assert "Perpanjang batas waktu" not in page  # the form is gone: one extension only


def test_illegal_step_from_the_desk_is_explained(client, platform, dinkes_officer) -> None:
    permohonan = file_directly(platform).permohonan
    sign_in(client, "petugas.dinkes")
    url = f"/permohonan/petugas/{permohonan.id}"
    response = client.post(f"{url}/tutup", data={"alasan": "selesai", "csrf_token": csrf(client, url)},
                           follow_redirects=True)
    assert "hanya dapat ditutup setelah pemberitahuan tertulis" in response.get_data(as_text=True)


def test_refusal_form_asks_for_the_ground_and_the_consequence_test_then_records_them(
    client, platform, dinkes_officer
) -> None:
    permohonan = file_directly(platform).permohonan
    sign_in(client, "petugas.dinkes")
    url = f"/permohonan/petugas/{permohonan.id}"
    token = csrf(client, url)
    response = client.post(f"{url}/putuskan", data={"keputusan": "ditolak", "csrf_token": token})
    page = response.get_data(as_text=True)
    assert response.status_code == 422 and "uji konsekuensi (Pasal 19)" in page and "<details open>" in page
    data = {"keputusan": "ditolak", "dasar_pengecualian": ["h"], "csrf_token": token,
            **{f"uji_konsekuensi.{key}": value for key, value in CONSEQUENCE_TEST.items()},
            "penghitaman.0.bagian": "", "penghitaman.0.pasal_17": "", "penghitaman.0.alasan": ""}
    assert client.post(f"{url}/putuskan", data=data).status_code == 303
    with platform.database.session() as session:
        decided = session.get(Permohonan, permohonan.id).events[-1]
    assert decided.kind == EventKind.DECIDED and decided.actor_name == "petugas.dinkes"
    assert decided.payload["dasar_pengecualian"] == ["h"]
    public = client.get(f"/permohonan/lacak/{file_directly(platform).token}")  # another request, still private
    assert public.status_code == 200


def test_partial_grant_form_takes_blacked_out_rows(client, platform, dinkes_officer) -> None:
    permohonan = file_directly(platform).permohonan
    sign_in(client, "petugas.dinkes")
    url = f"/permohonan/petugas/{permohonan.id}"
    data = {"keputusan": "dikabulkan_sebagian", "materi": "Daftar fasilitas", "biaya": "0",
            "penghitaman.0.bagian": "Nama pasien", "penghitaman.0.pasal_17": "h", "penghitaman.0.alasan": "Pribadi",
            "penghitaman.1.bagian": "", "penghitaman.1.pasal_17": "", "penghitaman.1.alasan": "",
            "csrf_token": csrf(client, url),
            **{f"uji_konsekuensi.{key}": value for key, value in CONSEQUENCE_TEST.items()}}
    assert client.post(f"{url}/putuskan", data=data).status_code == 303
    with platform.database.session() as session:
        payload = session.get(Permohonan, permohonan.id).events[-1].payload
    assert payload["penghitaman"] == [{"bagian": "Nama pasien", "pasal_17": "h", "alasan": "Pribadi"}]


def test_grant_form_posted_with_every_empty_field_a_browser_sends_is_recorded(client, platform, dinkes_officer) -> None:
    """A browser also posts the blank consequence-test fields, which a grant does not need."""
    permohonan = file_directly(platform).permohonan
    sign_in(client, "petugas.dinkes")
    url = f"/permohonan/petugas/{permohonan.id}"
    data = {"keputusan": "dikabulkan_seluruhnya", "materi": "Daftar fasilitas", "biaya": "", "cara_pembayaran": "",
            "penghitaman.0.bagian": "", "penghitaman.0.pasal_17": "", "penghitaman.0.alasan": "",
            "csrf_token": csrf(client, url), **{f"uji_konsekuensi.{key}": "" for key in CONSEQUENCE_TEST}}
    assert client.post(f"{url}/putuskan", data=data).status_code == 303
    with platform.database.session() as session:
        payload = session.get(Permohonan, permohonan.id).events[-1].payload
    assert payload["keputusan"] == "dikabulkan_seluruhnya" and "uji_konsekuensi" not in payload


def test_officer_records_a_phone_request_and_gets_the_receipt_to_hand_over(client, platform, dinkes_officer) -> None:
    sign_in(client, "petugas.dinkes")
    data = {**filing(nik=None, pekerjaan=None, pernyataan=None, email=None, cara_mendapatkan_salinan="pos"),
            "saluran": "telepon", "tanggal_diterima": "2026-01-05", "jam_diterima": "10:15",
            "csrf_token": csrf(client, "/permohonan/petugas/daftar")}
    response = client.post("/permohonan/petugas/daftar", data=data)
    assert response.status_code == 303 and "/permohonan/tanda-bukti/" in response.location
    with platform.database.session() as session:
        permohonan = session.scalar(select(Permohonan))
    assert (permohonan.channel, permohonan.number) == (Channel.PHONE, "0001/PPID/DINKES/2026")


@pytest.mark.parametrize("path", ["/permohonan/", "/permohonan/ajukan", "/permohonan/lacak"])
def test_public_pages_speak_bahasa_indonesia_and_english_on_request(client, path) -> None:
    assert client.get(path).headers["Content-Language"] == "id"
    assert client.get(f"{path}?lang=en").status_code == 200


def assert_accessible_form(page: str) -> None:
    """Every id is unique, and every text field, select and choice has a label pointing at it."""
    ids = re.findall(r'\sid="([^"]+)"', page)
    assert len(ids) == len(set(ids)), sorted({i for i in ids if ids.count(i) > 1})
    labelled = set(re.findall(r'<label for="([^"]+)"', page))
    controls = re.findall(r'<(?:input|select|textarea)\s[^>]*?id="([^"]+)"', page)
    assert controls and set(controls) <= labelled, set(controls) - labelled


def test_forms_are_labelled_and_ids_unique(client, platform, dinkes_officer) -> None:
    assert_accessible_form(client.get("/permohonan/ajukan").get_data(as_text=True))
    assert_accessible_form(client.get("/permohonan/lacak").get_data(as_text=True))
    permohonan = file_directly(platform).permohonan
    sign_in(client, "petugas.dinkes")
    assert_accessible_form(client.get(f"/permohonan/petugas/{permohonan.id}").get_data(as_text=True))
    assert_accessible_form(client.get("/permohonan/petugas/daftar").get_data(as_text=True))


def test_the_tracking_page_reads_the_request_with_its_log_and_objections_in_one_statement(client, platform) -> None:
    """Its status needs both: they come with the request, not from two lazy loads afterwards (issue 17)."""
    token = client.post("/api/permohonan", json=filing()).get_json()["token"]
    statements: list[str] = []

    def note(_connection, _cursor, statement, *_args) -> None:
        statements.append(" ".join(statement.split()))

    event.listen(platform.database.engine, "before_cursor_execute", note)
    try:
        page = client.get(f"/permohonan/lacak/{token}")
    finally:
        event.remove(platform.database.engine, "before_cursor_execute", note)

    assert page.status_code == 200 and "Status permohonan" in page.get_data(as_text=True)
    assert [statement for statement in statements if "JOIN permohonan_event" in statement]
    assert not [statement for statement in statements
                if "FROM permohonan_event WHERE" in statement or "FROM permohonan_keberatan WHERE" in statement]


def test_the_tracking_page_of_a_request_not_yet_decided_does_not_look_for_letters(client, platform) -> None:
    """Letters are issued with a decision only: a new request's page (most pages under a crowd) spends no query on
    them (issue 17); a decided request's page lists them (test_written_notice.py)."""
    token = client.post("/api/permohonan", json=filing()).get_json()["token"]
    statements: list[str] = []

    def note(_connection, _cursor, statement, *_args) -> None:
        statements.append(statement)

    event.listen(platform.database.engine, "before_cursor_execute", note)
    try:
        page = client.get(f"/permohonan/lacak/{token}")
    finally:
        event.remove(platform.database.engine, "before_cursor_execute", note)

    assert page.status_code == 200 and statements
    assert not [statement for statement in statements if "permohonan_surat" in statement]


def test_the_tracking_page_and_the_receipt_read_outside_a_transaction(client, platform) -> None:
    """The pages a crowd opens most only read: their statements run without a transaction, so no BEGIN before them
    and no ROLLBACK after them, two round trips of three (issue 17)."""
    token = client.post("/api/permohonan", json=filing()).get_json()["token"]
    isolation_levels: list[str | None] = []

    def note(connection, *_args) -> None:
        isolation_levels.append(connection.get_execution_options().get("isolation_level"))

    event.listen(platform.database.engine, "before_cursor_execute", note)
    try:
        pages = [client.get(f"/permohonan/lacak/{token}"), client.get(f"/permohonan/tanda-bukti/{token}")]
    finally:
        event.remove(platform.database.engine, "before_cursor_execute", note)

    assert [page.status_code for page in pages] == [200, 200]
    assert isolation_levels and set(isolation_levels) == {"AUTOCOMMIT"}
