"""CKAN package dicts as DCAT-AP graphs (rdflib), for national and European harvesters.

Plain dicts in, an rdflib ``Graph`` out: nothing here knows where the packages came from, so the embedded
catalogue and a real CKAN are described alike. Two profiles, as in ckanext-dcat (``euro_dcat_ap_2`` and
``euro_dcat_ap_3``): one graph cannot satisfy both, because DCAT-AP 2.1.1 requires ``dcat:byteSize`` as
``xsd:decimal`` and a SHA-1 checksum while DCAT-AP 3 requires ``xsd:nonNegativeInteger`` (and allows SHA-256).

Every controlled value is an IRI from the EU vocabularies (licence, file type, language, frequency, access
right, data theme) or IANA (media type), and the graph states each one's class (``dct:MediaType``,
``skos:Concept``...), as ckanext-dcat does, so that the DCAT-AP range shapes pass without loading the
vocabularies. A value the tables below do not know is left out rather than written as a literal.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from typing import Any
from urllib.parse import quote

from rdflib import BNode, Graph, Literal, Namespace, URIRef
from rdflib.namespace import DCAT, DCTERMS, FOAF, RDF, RDFS, SKOS, XSD

from ppid.catalogue.vocabulary import FILE_TYPES, FORMATS, FREQUENCIES, Page, Profile, Site, extras_of, landing_page

HYDRA = Namespace("http://www.w3.org/ns/hydra/core#")
SPDX = Namespace("http://spdx.org/rdf/terms#")
VCARD = Namespace("http://www.w3.org/2006/vcard/ns#")
EU = "http://publications.europa.eu/resource/authority/"
IANA = "https://www.iana.org/assignments/media-types/"
INDONESIAN = URIRef(f"{EU}language/IND")
PUBLIC = URIRef(f"{EU}access-right/PUBLIC")
DATA_THEMES = URIRef(f"{EU}data-theme")
#: Prefixes of every serialisation; JSON-LD uses them as its ``@context``.
PREFIXES = {
    "dcat": DCAT,
    "dct": DCTERMS,
    "foaf": FOAF,
    "hydra": HYDRA,
    "rdfs": RDFS,
    "skos": SKOS,
    "spdx": SPDX,
    "vcard": VCARD,
    "xsd": XSD,
}


#: CKAN licence ids with an entry in the EU licence vocabulary; others fall back to the package's licence URL.
LICENCES = {
    "cc-by": "CC_BY_4_0",
    "cc-by-sa": "CC_BYSA_4_0",
    "cc-zero": "CC0",
    "odc-by": "ODC_BY",
    "odc-odbl": "ODC_BL",
    "odc-pddl": "ODC_PDDL",
    "gfdl": "GNU_FDL_1_3",
    "uk-ogl": "OGL_3_0",
}
#: The EU data themes, labelled in Indonesian and English (a ``skos:Concept`` needs a ``skos:prefLabel``).
THEMES = {
    "AGRI": ("Pertanian, perikanan, kehutanan dan pangan", "Agriculture, fisheries, forestry and food"),
    "ECON": ("Ekonomi dan keuangan", "Economy and finance"),
    "EDUC": ("Pendidikan, kebudayaan dan olahraga", "Education, culture and sport"),
    "ENER": ("Energi", "Energy"),
    "ENVI": ("Lingkungan hidup", "Environment"),
    "GOVE": ("Pemerintahan dan sektor publik", "Government and public sector"),
    "HEAL": ("Kesehatan", "Health"),
    "INTR": ("Isu internasional", "International issues"),
    "JUST": ("Keadilan, sistem hukum dan keamanan publik", "Justice, legal system and public safety"),
    "REGI": ("Wilayah dan kota", "Regions and cities"),
    "SOCI": ("Kependudukan dan masyarakat", "Population and society"),
    "TECH": ("Ilmu pengetahuan dan teknologi", "Science and technology"),
    "TRAN": ("Transportasi", "Transport"),
}
#: Tags (the sectors of Satu Data's keywords) that place a dataset in an EU data theme.
THEME_OF_TAG = {
    "pertanian": "AGRI", "pangan": "AGRI", "perikanan": "AGRI", "peternakan": "AGRI", "kehutanan": "AGRI",
    "ekonomi": "ECON", "keuangan": "ECON", "apbd": "ECON", "perdagangan": "ECON", "umkm": "ECON",
    "pendidikan": "EDUC", "sekolah": "EDUC", "kebudayaan": "EDUC", "olahraga": "EDUC", "pariwisata": "EDUC",
    "energi": "ENER", "listrik": "ENER",
    "lingkungan": "ENVI", "kebencanaan": "ENVI", "bencana": "ENVI", "banjir": "ENVI",
    "pemerintahan": "GOVE", "aset": "GOVE", "kepegawaian": "GOVE",
    "kesehatan": "HEAL", "imunisasi": "HEAL", "fasilitas-kesehatan": "HEAL",
    "hukum": "JUST", "keamanan": "JUST", "ketertiban": "JUST",
    "wilayah": "REGI", "tata-ruang": "REGI", "perumahan": "REGI",
    "kependudukan": "SOCI", "sosial": "SOCI", "bansos": "SOCI", "kemiskinan": "SOCI", "ketenagakerjaan": "SOCI",
    "teknologi": "TECH", "komunikasi": "TECH", "informatika": "TECH",
    "infrastruktur": "TRAN", "jalan": "TRAN", "perhubungan": "TRAN", "transportasi": "TRAN",
}  # fmt: skip
#: What ``quote`` keeps besides letters, digits and ``_.-~``: every character with a meaning in an IRI.
IRI_SAFE = ":/?#[]@!$&'()*+,;=%"
YEAR = re.compile(r"(?<!\d)(?:19|20)\d\d(?!\d)")
SHA256 = re.compile(r"sha256:([0-9a-f]{64})", re.IGNORECASE)


def catalogue_iri(site: Site) -> URIRef:
    return URIRef(f"{site.base_url}/catalog")


def dataset_iri(base_url: str, name: str) -> URIRef:
    """The dataset's IRI is its portal address, which also answers in RDF (content negotiation)."""
    return URIRef(f"{base_url}/dataset/{name}")


def _new_graph() -> Graph:
    graph = Graph(bind_namespaces="none")
    for prefix, namespace in PREFIXES.items():
        graph.bind(prefix, namespace)
    return graph


def dataset_graph(package: Mapping[str, Any], site: Site, profile: Profile) -> Graph:
    """One dataset with its distributions, as served at ``/dataset/<name>.ttl``."""
    graph = _new_graph()
    _add_dataset(graph, package, site, profile)
    return graph


def catalogue_graph(packages: Iterable[Mapping[str, Any]], site: Site, profile: Profile, page: Page) -> Graph:
    """One page of the catalogue: the catalogue itself, the page's datasets and the links to the other pages."""
    graph = _new_graph()
    catalogue = catalogue_iri(site)
    graph.add((catalogue, RDF.type, DCAT.Catalog))
    _text(graph, catalogue, DCTERMS.title, f"Katalog Data {site.region}".strip())
    _text(graph, catalogue, DCTERMS.description, f"Data terbuka perangkat daerah {site.region}".strip())
    _typed(graph, catalogue, DCTERMS.language, INDONESIAN, DCTERMS.LinguisticSystem)
    _typed(graph, catalogue, FOAF.homepage, URIRef(f"{site.base_url}/"), FOAF.Document)
    graph.add((catalogue, DCTERMS.publisher, _agent(graph, None, site.publisher or site.region)))
    graph.add((catalogue, DCAT.themeTaxonomy, DATA_THEMES))
    graph.add((DATA_THEMES, RDF.type, SKOS.ConceptScheme))
    graph.add((DATA_THEMES, DCTERMS.title, Literal("Tema data", lang="id")))
    graph.add((DATA_THEMES, DCTERMS.title, Literal("Data theme", lang="en")))
    for package in packages:
        graph.add((catalogue, DCAT.dataset, _add_dataset(graph, package, site, profile)))
    _add_paging(graph, page)
    return graph


def serialize(graph: Graph, extension: str) -> bytes:
    """``extension`` is a key of :data:`FORMATS`; JSON-LD is compacted with the usual DCAT prefixes."""
    if extension == "jsonld":
        context = {prefix: str(namespace) for prefix, namespace in PREFIXES.items()}
        return graph.serialize(format="json-ld", context=context, auto_compact=True, encoding="utf-8")
    return graph.serialize(format=FORMATS[extension].rdflib, encoding="utf-8")


def _add_dataset(graph: Graph, package: Mapping[str, Any], site: Site, profile: Profile) -> URIRef:
    extras = extras_of(package)
    dataset = dataset_iri(site.base_url, package["name"])
    graph.add((dataset, RDF.type, DCAT.Dataset))
    _text(graph, dataset, DCTERMS.title, package.get("title") or package["name"])
    _text(graph, dataset, DCTERMS.description, package.get("notes") or package.get("title") or package["name"])
    graph.add((dataset, DCTERMS.identifier, Literal(package["id"])))
    _date_time(graph, dataset, DCTERMS.issued, package.get("metadata_created"))
    _date_time(graph, dataset, DCTERMS.modified, package.get("metadata_modified"))
    for tag in package.get("tags", []):
        _text(graph, dataset, DCAT.keyword, tag["name"])
    _typed(graph, dataset, DCAT.landingPage, URIRef(landing_page(package, site.base_url)), FOAF.Document)
    _typed(graph, dataset, DCTERMS.language, INDONESIAN, DCTERMS.LinguisticSystem)
    _typed(graph, dataset, DCTERMS.accessRights, PUBLIC, DCTERMS.RightsStatement)
    frequency = FREQUENCIES.get(extras.get("frekuensi_penerbitan", ""))
    if frequency:
        _typed(graph, dataset, DCTERMS.accrualPeriodicity, URIRef(f"{EU}frequency/{frequency[0]}"), DCTERMS.Frequency)
    tags = {tag["name"].lower() for tag in package.get("tags", [])}
    for code in sorted({THEME_OF_TAG[tag] for tag in tags if tag in THEME_OF_TAG}):
        graph.add((dataset, DCAT.theme, _theme(graph, code)))
    _add_spatial(graph, dataset, extras)
    _add_temporal(graph, dataset, extras.get("tahun", ""))
    _add_contact(graph, dataset, package, extras)
    organization = package.get("organization") or {}
    page = URIRef(f"{site.base_url}/dinas/{organization['name']}") if organization.get("name") in site.dinas else None
    name = extras.get("produsen_data") or organization.get("title") or organization.get("name") or site.region
    graph.add((dataset, DCTERMS.publisher, _agent(graph, page, name)))
    licence = _licence(package)
    for resource in package.get("resources", []):
        graph.add((dataset, DCAT.distribution, _distribution(graph, dataset, resource, licence, profile)))
    return dataset


def _distribution(
    graph: Graph, dataset: URIRef, resource: Mapping[str, Any], licence: URIRef | None, profile: Profile
) -> URIRef:
    """Named as CKAN names a resource (``/dataset/<name>/resource/<id>``), under which the portal serves uploads."""
    distribution = URIRef(f"{dataset}/resource/{resource['id']}")
    graph.add((distribution, RDF.type, DCAT.Distribution))
    if resource.get("name"):
        graph.add((distribution, DCTERMS.title, Literal(resource["name"])))
    if resource.get("description"):
        _text(graph, distribution, DCTERMS.description, resource["description"])
    if resource.get("url"):
        _typed(graph, distribution, DCAT.accessURL, _iri(resource["url"]), RDFS.Resource)
        _typed(graph, distribution, DCAT.downloadURL, _iri(resource["url"]), RDFS.Resource)
    file_type, media_type = FILE_TYPES.get((resource.get("format") or "").upper(), (None, None))
    if file_type:
        _typed(graph, distribution, DCTERMS["format"], URIRef(f"{EU}file-type/{file_type}"), DCTERMS.MediaTypeOrExtent)
    media_type = (resource.get("mimetype") or media_type or "").split(";")[0].strip().lower()
    if media_type:
        _typed(graph, distribution, DCAT.mediaType, URIRef(f"{IANA}{media_type}"), DCTERMS.MediaType)
    if licence is not None:
        _typed(graph, distribution, DCTERMS.license, licence, DCTERMS.LicenseDocument)
    _date_time(graph, distribution, DCTERMS.issued, resource.get("created"))
    modified = resource.get("last_modified") or resource.get("metadata_modified")
    _date_time(graph, distribution, DCTERMS.modified, modified)
    if resource.get("size") is not None:
        graph.add((distribution, DCAT.byteSize, _byte_size(int(resource["size"]), profile)))
    checksum = SHA256.fullmatch(resource.get("hash") or "")
    if checksum and profile is Profile.DCAT_AP_3:  # DCAT-AP 2.1.1 accepts only SHA-1 checksums
        node = BNode()
        graph.add((distribution, SPDX.checksum, node))
        graph.add((node, RDF.type, SPDX.Checksum))
        _typed(graph, node, SPDX.algorithm, SPDX.checksumAlgorithm_sha256, SPDX.ChecksumAlgorithm)
        graph.add((node, SPDX.checksumValue, Literal(checksum.group(1).lower(), datatype=XSD.hexBinary)))
    return distribution


def _byte_size(size: int, profile: Profile) -> Literal:
    """As a decimal, in its canonical form ("2048.0"), which every serialisation writes and reads back alike."""
    if profile is Profile.DCAT_AP_3:
        return Literal(size, datatype=XSD.nonNegativeInteger)
    return Literal(f"{size}.0", datatype=XSD.decimal)


def _licence(package: Mapping[str, Any]) -> URIRef | None:
    code = LICENCES.get(package.get("license_id") or "")
    if code:
        return URIRef(f"{EU}licence/{code}")
    return _iri(package["license_url"]) if package.get("license_url") else None


def _theme(graph: Graph, code: str) -> URIRef:
    theme = URIRef(f"{EU}data-theme/{code}")
    indonesian, english = THEMES[code]
    graph.add((theme, RDF.type, SKOS.Concept))
    graph.add((theme, SKOS.inScheme, DATA_THEMES))
    graph.add((theme, SKOS.prefLabel, Literal(indonesian, lang="id")))
    graph.add((theme, SKOS.prefLabel, Literal(english, lang="en")))
    return theme


def _add_spatial(graph: Graph, dataset: URIRef, extras: Mapping[str, str]) -> None:
    """The area the data covers (``cakupan_wilayah``) with its Kemendagri region code (``kode_wilayah``)."""
    if not extras.get("cakupan_wilayah"):
        return
    location = BNode()
    graph.add((dataset, DCTERMS.spatial, location))
    graph.add((location, RDF.type, DCTERMS.Location))
    _text(graph, location, SKOS.prefLabel, extras["cakupan_wilayah"])
    if extras.get("kode_wilayah"):
        graph.add((location, DCTERMS.identifier, Literal(extras["kode_wilayah"])))


def _add_temporal(graph: Graph, dataset: URIRef, years: str) -> None:
    """``tahun`` ("2024", or "2022-2023" for a school year) as the period from its first to its last day."""
    found = sorted(YEAR.findall(years))
    if not found:
        return
    period = BNode()
    graph.add((dataset, DCTERMS.temporal, period))
    graph.add((period, RDF.type, DCTERMS.PeriodOfTime))
    graph.add((period, DCAT.startDate, Literal(f"{found[0]}-01-01", datatype=XSD.date)))
    graph.add((period, DCAT.endDate, Literal(f"{found[-1]}-12-31", datatype=XSD.date)))


def _add_contact(graph: Graph, dataset: URIRef, package: Mapping[str, Any], extras: Mapping[str, str]) -> None:
    email = package.get("maintainer_email") or extras.get("kontak")
    if not email:
        return
    contact = BNode()
    graph.add((dataset, DCAT.contactPoint, contact))
    graph.add((contact, RDF.type, VCARD.Kind))
    graph.add((contact, RDF.type, VCARD.Organization))
    graph.add((contact, VCARD.fn, Literal(package.get("maintainer") or email)))
    graph.add((contact, VCARD.hasEmail, _iri(f"mailto:{email}")))


def _agent(graph: Graph, iri: URIRef | None, name: str) -> URIRef | BNode:
    agent = iri or BNode()
    graph.add((agent, RDF.type, FOAF.Agent))
    graph.add((agent, RDF.type, FOAF.Organization))
    graph.add((agent, FOAF.name, Literal(name)))
    return agent


def _add_paging(graph: Graph, page: Page) -> None:
    """Both Hydra's current terms and the deprecated ones (``hydra:nextPage``...), as ckanext-dcat writes and reads."""
    node = URIRef(page.address(page.number))
    graph.add((node, RDF.type, HYDRA.PagedCollection))
    graph.add((node, HYDRA.totalItems, Literal(page.total)))
    graph.add((node, HYDRA.itemsPerPage, Literal(page.size)))
    links = {"first": 1, "last": page.last}
    if page.number > 1:
        links["previous"] = page.number - 1
    if page.number < page.last:
        links["next"] = page.number + 1
    for name, number in links.items():
        graph.add((node, HYDRA[name], URIRef(page.address(number))))
        graph.add((node, HYDRA[f"{name}Page"], URIRef(page.address(number))))


def _iri(address: str) -> URIRef:
    """An address from the catalogue as a valid IRI: a space or a quote would make the Turtle unreadable."""
    return URIRef(quote(address.strip(), safe=IRI_SAFE))


def _text(graph: Graph, subject: URIRef | BNode, predicate: URIRef, value: str) -> None:
    """Text written by the pemda is Indonesian: tagged so that harvesters can show the right language."""
    graph.add((subject, predicate, Literal(value, lang="id")))


def _typed(graph: Graph, subject: URIRef | BNode, predicate: URIRef, value: URIRef, cls: URIRef) -> None:
    graph.add((subject, predicate, value))
    graph.add((value, RDF.type, cls))


def _date_time(graph: Graph, subject: URIRef, predicate: URIRef, value: str | None) -> None:
    if value:
        graph.add((subject, predicate, Literal(value, datatype=XSD.dateTime)))
