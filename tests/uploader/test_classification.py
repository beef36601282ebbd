"""An uploaded item gets its information category from the uploader's form (prefilled with the dinas's default);
one classified dikecualikan is approved but never reaches the catalogue."""

from __future__ import annotations

from .helpers import GOOD_CSV, METADATA, new_draft, upload


def approved(officer, walidata, **classification: str) -> None:
    draft_id = new_draft(officer, **classification)
    upload(officer, draft_id, "penduduk-unggahan.csv", GOOD_CSV.encode())
    assert officer.post(f"/unggah/draf/{draft_id}/ajukan", data={"csrf_token": officer.token}).status_code == 302
    assert walidata.post(f"/unggah/draf/{draft_id}/setujui", data={"csrf_token": walidata.token}).status_code == 302


def published(client) -> list[dict]:
    return client.get("/api/3/action/package_search?q=Penduduk Hasil Unggahan").json["result"]["results"]


def test_the_form_starts_from_the_dinas_default_and_the_category_reaches_the_catalogue(
        client, officer, walidata) -> None:
    form = officer.get("/unggah/draf/baru?dinas=disdukcapil").get_data(as_text=True)
    assert '<option value="berkala" selected>' in form and 'name="periode_bulan" type="number"' in form
    assert 'value="6"' in form

    approved(officer, walidata, kategori_informasi="setiap-saat", pasal_11_huruf="g")

    [package] = published(client)
    extras = {extra["key"]: extra["value"] for extra in package["extras"]}
    assert (extras["kategori_informasi"], extras["pasal_11_huruf"]) == ("setiap-saat", "g")
    assert "periode_bulan" not in extras


def test_a_category_without_what_goes_with_it_is_refused_on_the_form(officer) -> None:
    response = officer.post("/unggah/draf/baru", data={**METADATA, "dinas": "disdukcapil", "dataset": "",
                                                       "kategori_informasi": "berkala", "csrf_token": officer.token})

    assert response.status_code in (200, 422)
    assert "wajib diisi untuk informasi berkala" in response.get_data(as_text=True)


def test_an_upload_classified_dikecualikan_is_held_back(client, officer, walidata) -> None:
    approved(officer, walidata, kategori_informasi="dikecualikan")

    assert published(client) == []
    assert client.get("/api/3/action/package_show?id=disdukcapil-penduduk-hasil-unggahan").status_code in (403, 404)


def test_the_walidata_sees_the_category_when_reviewing(officer, walidata) -> None:
    draft_id = new_draft(officer, kategori_informasi="berkala", periode_bulan="3")

    page = walidata.get(f"/unggah/draf/{draft_id}").get_data(as_text=True)

    assert "Informasi berkala (Pasal 9), diperbarui setiap 3 bulan" in page
