"""Officers prepare dataset drafts of their own dinas, with Satu Data metadata checked in plain Indonesian."""

from __future__ import annotations

from sqlalchemy import select

from ppid.uploader.models import Draft, DraftEvent

from .helpers import METADATA, new_draft, upload


def test_the_new_draft_form_is_prefilled_from_the_dinas_registry(officer) -> None:
    dataset = "jumlah-penduduk-menurut-kecamatan-dan-jenis-kelamin"
    page = officer.get(f"/unggah/draf/baru?dinas=disdukcapil&dataset={dataset}")
    html = page.get_data(as_text=True)

    assert page.status_code == 200
    assert 'value="Jumlah Penduduk menurut Kecamatan dan Jenis Kelamin"' in html
    assert 'value="ppid.disdukcapil@contoh.go.id"' in html
    assert "Tahun atau periode data" in html


def test_wrong_metadata_is_explained_per_field_in_indonesian(officer) -> None:
    data = {**METADATA, "title": "", "year": "tahun lalu", "kontak": "bukan-email", "dinas": "disdukcapil",
            "csrf_token": officer.token}

    response = officer.post("/unggah/draf/baru", data=data)
    html = response.get_data(as_text=True)

    assert response.status_code == 422
    assert "wajib diisi" in html
    assert "tulis tahun seperti 2024 atau periode seperti 2024-S1" in html
    assert "bukan alamat e-mail yang sah" in html


def test_a_draft_records_who_created_it(platform, officer) -> None:
    draft_id = new_draft(officer)

    with platform.database.session() as session:
        draft = session.get(Draft, draft_id)
        events = session.scalars(select(DraftEvent).where(DraftEvent.draft_id == draft_id)).all()
        assert draft.meta["tags"] == ["kependudukan", "penduduk"]
        assert draft.dataset_slug == "penduduk-hasil-unggahan"
        assert [(e.kind.value, e.actor_name) for e in events] == [("dibuat", "Pengguna capil")]


def test_an_officer_of_another_dinas_cannot_see_or_change_the_draft(officer, other_officer) -> None:
    draft_id = new_draft(officer)

    assert other_officer.get(f"/unggah/draf/{draft_id}").status_code == 404
    assert upload(other_officer, draft_id, "data.csv", b"a,b\n1,2\n").status_code == 404
    refused = other_officer.post(f"/unggah/draf/{draft_id}/ajukan", data={"csrf_token": other_officer.token})
    assert refused.status_code == 404
    assert "Penduduk Hasil Unggahan" not in other_officer.get("/unggah/").get_data(as_text=True)


def test_an_officer_cannot_create_a_draft_for_another_dinas(officer) -> None:
    response = officer.post("/unggah/draf/baru", data={**METADATA, "dinas": "dinkes", "csrf_token": officer.token})

    assert response.status_code == 404


def test_an_officer_cannot_approve(officer) -> None:
    draft_id = new_draft(officer)

    assert officer.post(f"/unggah/draf/{draft_id}/setujui", data={"csrf_token": officer.token}).status_code == 403


def test_posts_without_csrf_token_are_refused(officer) -> None:
    draft_id = new_draft(officer)

    assert officer.post(f"/unggah/draf/{draft_id}/ajukan").status_code == 400
    assert officer.post(f"/unggah/draf/{draft_id}/unggahan", json={"name": "a.csv", "size": 10}).status_code == 400


def test_the_draft_event_record_cannot_be_rewritten(platform, officer) -> None:
    import pytest
    from sqlalchemy import update
    from sqlalchemy.exc import DatabaseError

    draft_id = new_draft(officer)

    with pytest.raises(DatabaseError), platform.database.session() as session:
        session.execute(update(DraftEvent).where(DraftEvent.draft_id == draft_id).values(actor_name="orang lain"))
