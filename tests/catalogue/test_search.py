"""package_search: CKAN's parameters (q, fq, facets, paging, sort) answered by the embedded catalogue."""

from __future__ import annotations

import json
from typing import TYPE_CHECKING, Any

import pytest

from ppid.catalogue import search

if TYPE_CHECKING:
    from tests.catalogue.conftest import Api


def names(found: dict[str, Any]) -> list[str]:
    return [package["name"] for package in found["results"]]


@pytest.mark.parametrize(
    ("q", "expected"),
    [
        ("imunisasi", ["dinkes-cakupan-imunisasi"]),  # a title word (and a tag)
        ("Jumlah Penduduk", ["disdukcapil-jumlah-penduduk"]),  # title words, any case
        ("statistik", ["disdukcapil-jumlah-penduduk"]),  # a tag
        ("puskesmas", ["dinkes-fasilitas-kesehatan"]),  # a word of the description
        ("kependudukan semesteran", ["disdukcapil-jumlah-penduduk"]),  # Indonesian words, ANDed
        ("laporan", ["dinkes-cakupan-imunisasi"]),  # a resource name
        ('"rumah sakit"', ["dinkes-fasilitas-kesehatan"]),  # a phrase
        ("rumah bayi", []),  # every word must match
        ("puskesmas OR bayi", []),  # dismax, as CKAN sends free text: OR is no operator, mm wants both words
        ("text:puskesmas OR text:bayi", ["dinkes-cakupan-imunisasi", "dinkes-fasilitas-kesehatan"]),  # Lucene
        ("penduduk kecamatan posyandu", ["disdukcapil-jumlah-penduduk"]),  # mm 2<-1: two of three words do
        ("pend*", ["disdukcapil-jumlah-penduduk"]),  # a prefix ("penduduk"), as the issue asks
        ("kecamatan -bayi", ["disdukcapil-jumlah-penduduk", "dinkes-fasilitas-kesehatan"]),
        ("tags:kesehatan", ["dinkes-cakupan-imunisasi", "dinkes-fasilitas-kesehatan"]),  # fielded, as in Solr
        ("*:*", ["disdukcapil-jumlah-penduduk", "dinkes-cakupan-imunisasi", "dinkes-fasilitas-kesehatan"]),
    ],
)
def test_free_text(api: Api, sample: dict[str, Any], q: str, expected: list[str]) -> None:
    found = api.ok("package_search", token=None, q=q)

    assert sorted(names(found)) == sorted(expected)
    assert found["count"] == len(expected)


def test_the_organization_title_is_searchable(api: Api, sample: dict[str, Any]) -> None:
    assert api.ok("package_search", q="pencatatan sipil")["count"] == 1


def test_title_matches_rank_first(api: Api, sample: dict[str, Any]) -> None:
    """'kecamatan' is in one title and in two descriptions."""
    found = api.ok("package_search", q="kecamatan")

    assert names(found)[0] == "disdukcapil-jumlah-penduduk"


@pytest.mark.parametrize(
    ("fq", "expected"),
    [
        ("organization:dinkes", ["dinkes-cakupan-imunisasi", "dinkes-fasilitas-kesehatan"]),
        ("tags:imunisasi", ["dinkes-cakupan-imunisasi"]),
        ('tags:"fasilitas-kesehatan"', ["dinkes-fasilitas-kesehatan"]),
        ("res_format:XLSX", ["disdukcapil-jumlah-penduduk"]),
        ("res_format:PDF", ["dinkes-cakupan-imunisasi"]),
        ("extras_tahun:2024", ["dinkes-fasilitas-kesehatan", "disdukcapil-jumlah-penduduk"]),
        ("frekuensi_penerbitan:semesteran", ["disdukcapil-jumlah-penduduk"]),  # an extra by its bare key
        ("license_id:odc-by", ["disdukcapil-jumlah-penduduk"]),
        ("organization:dinkes tahun:2024", ["dinkes-fasilitas-kesehatan"]),  # clauses are ANDed
        ("+organization:dinkes AND +tags:imunisasi", ["dinkes-cakupan-imunisasi"]),
        ("organization:dinkes -tags:imunisasi", ["dinkes-fasilitas-kesehatan"]),
        ("tags:(imunisasi OR statistik)", ["dinkes-cakupan-imunisasi", "disdukcapil-jumlah-penduduk"]),
        ("name:dinkes-cakupan-imunisasi", ["dinkes-cakupan-imunisasi"]),
        ("organization:tidak-ada", []),
        (
            "+dataset_type:dataset +site_id:default",
            ["disdukcapil-jumlah-penduduk", "dinkes-cakupan-imunisasi", "dinkes-fasilitas-kesehatan"],
        ),
    ],
)
def test_filter_queries(api: Api, sample: dict[str, Any], fq: str, expected: list[str]) -> None:
    found = api.ok("package_search", token=None, fq=fq)

    assert sorted(names(found)) == sorted(expected)


def test_filters_on_dates(api: Api, sample: dict[str, Any]) -> None:
    newest = api.ok("package_search", sort="metadata_modified desc", rows=1)["results"][0]

    found = api.ok("package_search", fq=f"metadata_modified:[{newest['metadata_modified']}Z TO *]")

    assert names(found) == [newest["name"]]
    assert api.ok("package_search", fq="metadata_modified:[* TO NOW]")["count"] == 3


def test_an_unreadable_filter_is_a_search_error(api: Api) -> None:
    error = api.error("package_search", 409, fq="organization:dinkes )(")

    assert error["__type"] == "Search Error"


def test_facets_count_values_over_the_matches(api: Api, sample: dict[str, Any]) -> None:
    found = api.ok(
        "package_search", token=None, **{"facet.field": ["organization", "tags", "res_format", "license_id", "tahun"]}
    )

    assert found["facets"] == {
        "organization": {"dinkes": 2, "disdukcapil": 1},
        "tags": {"kesehatan": 2, "fasilitas-kesehatan": 1, "imunisasi": 1, "kependudukan": 1, "statistik": 1},
        "res_format": {"CSV": 2, "PDF": 1, "XLSX": 1},
        "license_id": {"cc-by": 2, "odc-by": 1},
        "tahun": {"2024": 2, "2023": 1},
    }
    assert list(found["facets"]["tags"]) == [
        "kesehatan",
        "fasilitas-kesehatan",
        "imunisasi",
        "kependudukan",
        "statistik",
    ]
    assert found["search_facets"]["organization"] == {
        "title": "organization",
        "items": [  # CKAN sorts these by display name, descending
            {"name": "dinkes", "display_name": "Dinas Kesehatan Kabupaten Contoh", "count": 2},
            {"name": "disdukcapil", "display_name": "Dinas Kependudukan dan Pencatatan Sipil", "count": 1},
        ],
    }
    licences = {item["name"]: item["display_name"] for item in found["search_facets"]["license_id"]["items"]}
    assert licences == {"cc-by": "Creative Commons Attribution", "odc-by": "Open Data Commons Attribution License"}


def test_facets_follow_the_query_and_the_limits(api: Api, sample: dict[str, Any]) -> None:
    found = api.ok("package_search", q="kesehatan", **{"facet.field": '["tags"]', "facet.limit": 1})
    assert found["facets"] == {"tags": {"kesehatan": 2}}

    found = api.ok("package_search", fq="organization:dinkes", **{"facet.field": ["tags"], "facet.mincount": 2})
    assert found["facets"] == {"tags": {"kesehatan": 2}}

    assert api.ok("package_search", **{"facet.field": ["tags"], "facet": "false"})["facets"] == {}
    assert api.ok("package_search")["facets"] == {}


def test_private_datasets_count_in_facets_only_when_included(api: Api, sample: dict[str, Any]) -> None:
    public = api.ok("package_search", **{"facet.field": ["organization"]})
    everything = api.ok("package_search", include_private=True, **{"facet.field": ["organization"]})

    assert public["facets"]["organization"]["disdukcapil"] == 1
    assert everything["facets"]["organization"]["disdukcapil"] == 2


def test_paging(api: Api, sample: dict[str, Any]) -> None:
    every = names(api.ok("package_search", sort="name asc"))

    pages = [names(api.ok("package_search", sort="name asc", rows=1, start=start)) for start in range(4)]

    assert pages == [[every[0]], [every[1]], [every[2]], []]
    assert api.ok("package_search", rows=0)["results"] == []
    assert api.ok("package_search", rows=0)["count"] == 3


@pytest.mark.parametrize(
    ("sort", "expected"),
    [
        ("name asc", ["dinkes-cakupan-imunisasi", "dinkes-fasilitas-kesehatan", "disdukcapil-jumlah-penduduk"]),
        ("name desc", ["disdukcapil-jumlah-penduduk", "dinkes-fasilitas-kesehatan", "dinkes-cakupan-imunisasi"]),
        ("title_string asc", ["dinkes-cakupan-imunisasi", "dinkes-fasilitas-kesehatan", "disdukcapil-jumlah-penduduk"]),
        (
            "metadata_modified desc",
            ["disdukcapil-jumlah-penduduk", "dinkes-cakupan-imunisasi", "dinkes-fasilitas-kesehatan"],
        ),
        (
            "metadata_created asc",
            ["dinkes-fasilitas-kesehatan", "dinkes-cakupan-imunisasi", "disdukcapil-jumlah-penduduk"],
        ),
        (None, ["disdukcapil-jumlah-penduduk", "dinkes-cakupan-imunisasi", "dinkes-fasilitas-kesehatan"]),
    ],
)
def test_sort(api: Api, sample: dict[str, Any], sort: str | None, expected: list[str]) -> None:
    found = api.ok("package_search", **({"sort": sort} if sort else {}))

    assert names(found) == expected
    assert found["sort"] == sort or "score desc, metadata_modified desc"


def test_an_update_moves_a_dataset_to_the_front(api: Api, sample: dict[str, Any]) -> None:
    api.ok("package_patch", id="dinkes-fasilitas-kesehatan", notes="Daftar puskesmas terbaru.")

    assert names(api.ok("package_search", rows=1)) == ["dinkes-fasilitas-kesehatan"]


def test_fl_returns_only_the_named_fields(api: Api, sample: dict[str, Any]) -> None:
    found = api.ok("package_search", q="imunisasi", fl="name title")

    assert found["results"] == [{"name": "dinkes-cakupan-imunisasi", "title": "Cakupan Imunisasi Dasar Lengkap"}]


def test_rows_are_capped_at_1000(api: Api, sample: dict[str, Any]) -> None:
    assert api.ok("package_search", rows=5000)["count"] == 3


def test_many_matches_page_and_rank_the_same_way(api: Api, sample: dict[str, Any], monkeypatch) -> None:
    """Past the thresholds search lists candidates in order instead of sorting the matches in SQL."""
    small = {
        sort: names(api.ok("package_search", q=q, sort=sort, rows=2, start=1))
        for q in ("kecamatan", "")
        for sort in ("name asc", "metadata_modified desc")
    }
    monkeypatch.setattr(search, "IN_LIST_MAX", 0)

    large = {
        sort: names(api.ok("package_search", q=q, sort=sort, rows=2, start=1))
        for q in ("kecamatan", "")
        for sort in ("name asc", "metadata_modified desc")
    }

    assert large == small
    monkeypatch.setattr(search, "RANK_MAX", {"sqlite": 0, "postgresql": 0})  # too many to rank: newest first
    assert names(api.ok("package_search", q="kecamatan")) == names(
        api.ok("package_search", q="kecamatan", sort="metadata_modified desc")
    )


def test_the_index_follows_every_write(api: Api, sample: dict[str, Any]) -> None:
    """Search caches the catalogue in memory; each write takes a revision that the next search reads."""
    assert api.ok("package_search", fq="tags:baru")["count"] == 0

    api.ok("package_patch", id="dinkes-fasilitas-kesehatan", tags=[{"name": "baru"}], private=True)
    assert api.ok("package_search", fq="tags:baru")["count"] == 0
    assert api.ok("package_search", fq="tags:baru", include_private=True)["count"] == 1
    api.ok("package_patch", id="dinkes-fasilitas-kesehatan", private=False)
    assert api.ok("package_search", fq="tags:baru", **{"facet.field": ["tags"]})["facets"]["tags"] == {"baru": 1}
    api.ok("dataset_purge", id="dinkes-fasilitas-kesehatan")
    assert api.ok("package_search", fq="tags:baru")["count"] == 0


def test_remembered_text_matches_follow_writes(api: Api, sample: dict[str, Any]) -> None:
    assert api.ok("package_search", q="posyandu")["count"] == 0

    api.ok("package_patch", id="dinkes-cakupan-imunisasi", notes="Imunisasi di posyandu.")

    assert api.ok("package_search", q="posyandu")["count"] == 1


PUBLIC = ["dinkes-cakupan-imunisasi", "dinkes-fasilitas-kesehatan", "disdukcapil-jumlah-penduduk"]


@pytest.mark.parametrize(
    ("params", "expected"),
    [
        # CKAN puts +capacity:public in front of fq, which makes both of these optional: every dataset
        ({"fq": "organization:dinkes OR organization:disdukcapil"}, PUBLIC),
        ({"fq": "(organization:dinkes OR organization:tidak-ada) -tags:imunisasi"}, ["dinkes-fasilitas-kesehatan"]),
        ({"fq": "metadata_modified:[NOW-1DAY TO NOW]"}, PUBLIC),
        ({"fq": "metadata_modified:[* TO NOW-1DAY]"}, []),
        ({"fq": "metadata_created:[NOW/DAY TO NOW/DAY+1DAY}"}, PUBLIC),
        ({"fq": "metadata_created:{NOW TO *]"}, []),
        ({"q": "tags:kes*"}, ["dinkes-cakupan-imunisasi", "dinkes-fasilitas-kesehatan"]),
        ({"fq": "organization:dis*"}, ["disdukcapil-jumlah-penduduk"]),
        ({"fq": "extras_tahun:[2024 TO *]"}, ["dinkes-fasilitas-kesehatan", "disdukcapil-jumlah-penduduk"]),
        ({"fq": 'extras_frekuensi_penerbitan:"tahunan"'}, ["dinkes-cakupan-imunisasi", "dinkes-fasilitas-kesehatan"]),
        ({"q": "title:imunisasi OR notes:semesteran"}, ["dinkes-cakupan-imunisasi", "disdukcapil-jumlah-penduduk"]),
        ({"q": "notes:imunisasi", "fq": "-res_format:PDF"}, []),
        ({"q": 'notes:"rumah sakit" AND NOT title:fasilitas'}, []),
        ({"q": "name:dinkes-*", "fq_list": ["tags:imunisasi"]}, ["dinkes-cakupan-imunisasi"]),
    ],
)
def test_query_forms(api: Api, sample: dict[str, Any], params: dict[str, Any], expected: list[str]) -> None:
    found = api.ok("package_search", token=None, **params)

    assert sorted(names(found)) == expected
    assert found["count"] == len(expected)


def test_ranked_text_matches_come_before_other_matches(api: Api, sample: dict[str, Any]) -> None:
    """``tags:statistik`` finds a dataset that the ranked words do not: it follows them."""
    found = api.ok("package_search", q="text:puskesmas OR tags:statistik")

    assert names(found) == ["dinkes-fasilitas-kesehatan", "disdukcapil-jumlah-penduduk"]
    assert names(api.ok("package_search", q="text:puskesmas OR tags:statistik", rows=1, start=1)) == [
        "disdukcapil-jumlah-penduduk"
    ]


@pytest.mark.parametrize(
    "params",
    [
        {"q": "text:*kes*"},  # FTS answers prefixes only
        {"fq": "title:rumah~1"},
        {"fq": 'notes:"rumah sakit"~2'},
        {"fq": "name:/dinkes.*/"},
        {"fq": "metadata_modified:[kemarin TO *]"},
        {"fq": "title:[a TO b]"},
        {"q": "{!lucene}tags:kesehatan"},
    ],
)
def test_what_is_not_supported_is_a_409(api: Api, params: dict[str, Any]) -> None:
    error = api.error("package_search", 409, token=None, **params)

    assert error["__type"] == "Search Error"


def test_document_text_is_searched_but_returned_only_when_asked(api: Api) -> None:
    api.ok("organization_create", name="dinkes")
    resource = {"name": "profil.pdf", "url": "https://contoh.go.id/profil.pdf", "teks_dokumen": "Angka stunting turun"}
    api.ok("package_create", name="profil-kesehatan", owner_org="dinkes", resources=[resource])

    found = api.ok("package_search", token=None, q="stunting")
    asked = api.ok("package_search", token=None, q="stunting", fl="name res_extras_teks_dokumen")

    assert names(found) == ["profil-kesehatan"]
    assert "stunting" not in json.dumps(found)
    assert asked["results"] == [{"name": "profil-kesehatan", "res_extras_teks_dokumen": ["Angka stunting turun"]}]
