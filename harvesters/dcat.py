"""A DCAT catalogue: JSON-LD, Turtle or RDF/XML (``dcat:Dataset`` › ``dcat:distribution`` ›
``dcat:downloadURL``), or a DCAT-US ``data.json`` (``dataset[].distribution[].downloadURL``).

Terms are recognised by their local name whatever the prefix (``dcat:downloadURL``, ``downloadURL``
or the full IRI), so compacted JSON-LD is read without fetching its remote ``@context``. Turtle and
RDF/XML are read by rdflib and walked as the JSON-LD rdflib writes for them. A paged catalogue
(``hydra:PagedCollection``, as ckanext-dcat and ppid's own ``/catalog.ttl`` page it) is followed page by
page through ``hydra:next`` (or the older ``hydra:nextPage``). Each dataset's title, description and
keywords travel in the item's metadata; files are downloaded with the HTTP kind's fetcher.
"""

from __future__ import annotations

import json
from collections.abc import Iterator, Mapping
from typing import Any

from marshmallow import fields

from harvesters.base import Item, Source, SourceError
from harvesters.http import HttpFetcher, HttpOptions, file_name
from ppid.i18n import _

PREFERRED_LANGUAGES = ("id", "en")
#: A catalogue whose pages never end (a loop of next links is caught separately) stops here.
MAX_PAGES = 10_000
RDF_FORMATS = ("turtle", "xml")


class DcatSourceOptions(HttpOptions):
    url = fields.Url(schemes={"http", "https"}, require_tld=False, required=True)


class DcatSource(Source):
    kind = "dcat"
    Options = DcatSourceOptions
    carries_metadata = True

    def items(self, known: Mapping[str, str] | None = None) -> Iterator[Item]:
        known = known or {}
        fetcher = HttpFetcher(self.options)
        seen: set[str] = set()
        for document in catalogue_pages(fetcher, self.options["url"]):
            for metadata, urls in catalogue_datasets(document):
                for url in urls:
                    if url in seen:
                        continue
                    seen.add(url)
                    yield fetcher.item(url, key=url, name=file_name(url), known=known.get(url), metadata=metadata)


def catalogue_pages(fetcher: HttpFetcher, url: str) -> Iterator[Any]:
    """Every page of the catalogue at ``url``, as JSON, following its next-page links once each."""
    visited: set[str] = set()
    next_url: str | None = url
    while next_url is not None and next_url not in visited and len(visited) < MAX_PAGES:
        visited.add(next_url)
        text, final_url = fetcher.get_text(next_url)
        document = parse_catalogue(text, final_url)
        yield document
        next_url = next_page(document)


def parse_catalogue(text: str, url: str) -> Any:
    """JSON as it is (JSON-LD or data.json); otherwise Turtle or RDF/XML, as the JSON-LD rdflib writes for it."""
    if text.lstrip().startswith(("{", "[")):
        try:
            return json.loads(text)
        except ValueError as error:
            line = getattr(error, "lineno", "?")
            message = _("katalog DCAT %(url)s bukan JSON yang sah (baris %(line)s).", url=url, line=line)
            raise SourceError(message) from error
    from rdflib import DCAT, RDF, Graph  # loaded only for an RDF catalogue: the web app imports this module

    for rdf_format in RDF_FORMATS:
        graph = Graph()
        try:
            graph.parse(data=text, format=rdf_format, publicID=url)
        except Exception:  # rdflib raises a different class per syntax and per parser
            continue
        if any(graph.subjects(RDF.type, DCAT.Catalog)) or any(graph.subjects(RDF.type, DCAT.Dataset)):
            return json.loads(graph.serialize(format="json-ld"))
    raise SourceError(_("katalog DCAT %(url)s bukan JSON-LD, Turtle, RDF/XML atau data.json yang sah.", url=url))


def next_page(document: Any) -> str | None:
    """The address of the next page of a Hydra-paged catalogue, if there is one."""
    for node in _nodes(document):
        for term in ("next", "nextPage"):
            for value in _values(node, term):
                value = value.get("@id") if isinstance(value, dict) else value
                if isinstance(value, str) and value.startswith(("http://", "https://")):
                    return value
    return None


def catalogue_datasets(document: Any) -> list[tuple[dict[str, Any], list[str]]]:
    """Each dataset's metadata and the download URLs of its distributions, in catalogue order."""
    nodes = list(_nodes(document))
    by_id = {node["@id"]: node for node in nodes if isinstance(node.get("@id"), str) and len(node) > 1}
    datasets = [node for node in nodes if _has_type(node, "Dataset")]
    if not datasets and isinstance(document, dict):
        datasets = [node for node in _values(document, "dataset") if isinstance(node, dict)]
    found = []
    for dataset in datasets:
        urls = []
        for distribution in _values(dataset, "distribution"):
            distribution = _resolve(distribution, by_id)
            for url in _values(distribution, "downloadURL") if isinstance(distribution, dict) else []:
                url = _resolve(url, by_id)
                url = url.get("@id") if isinstance(url, dict) else url
                if isinstance(url, str) and url.startswith(("http://", "https://")):
                    urls.append(url)
        if urls:
            found.append((_metadata(dataset), urls))
    return found


def _metadata(dataset: dict[str, Any]) -> dict[str, Any]:
    metadata: dict[str, Any] = {
        "title": _text(_values(dataset, "title")),
        "description": _text(_values(dataset, "description")),
    }
    keywords = [_text([value]) for value in _values(dataset, "keyword")]
    metadata["tags"] = list(dict.fromkeys(keyword.strip() for keyword in keywords if keyword.strip()))
    if not metadata["title"]:
        del metadata["title"]
    return metadata


def _nodes(value: Any) -> Iterator[dict[str, Any]]:
    if isinstance(value, dict):
        yield value
        for item in value.values():
            yield from _nodes(item)
    elif isinstance(value, list):
        for item in value:
            yield from _nodes(item)


def _local_name(key: str) -> str:
    for separator in ("#", "/", ":"):
        key = key.rsplit(separator, 1)[-1]
    return key


def _values(node: dict[str, Any], term: str) -> list[Any]:
    """Every value of ``term`` on ``node``, under any prefix, as a list."""
    found: list[Any] = []
    for key, value in node.items():
        if not key.startswith("@") and _local_name(key) == term:
            found.extend(value if isinstance(value, list) else [value])
    return found


def _has_type(node: dict[str, Any], type_name: str) -> bool:
    types = node.get("@type", [])
    types = types if isinstance(types, list) else [types]
    return any(isinstance(t, str) and _local_name(t) == type_name for t in types)


def _resolve(value: Any, by_id: dict[str, dict[str, Any]]) -> Any:
    if isinstance(value, dict) and set(value) == {"@id"}:
        return by_id.get(value["@id"], value)
    return value


def _text(values: list[Any]) -> str:
    """A plain string from JSON-LD values, preferring Bahasa Indonesia when the text is tagged by language."""
    texts = []
    for value in values:
        if isinstance(value, dict):
            if isinstance(value.get("@value"), str):
                texts.append((value.get("@language") or "", value["@value"]))
        elif isinstance(value, str):
            texts.append(("", value))
    for language in PREFERRED_LANGUAGES:
        for tag, text in texts:
            if tag.lower().startswith(language):
                return text
    return texts[0][1] if texts else ""
