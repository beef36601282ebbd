"""Finding Table Schemas by name in the schemas folder or by path, and guessing which one a file is meant for."""

from __future__ import annotations

import ast
import difflib
import json
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path, PurePosixPath
from typing import Any

from ppid.i18n import _
from ppid.validation.headers import header_keys, normalise_header

_NAME = re.compile(r"^[a-z0-9][a-z0-9_-]*$")


class SchemaNotFoundError(LookupError):
    """The named schema does not exist; the message lists the ones that do."""


def list_schemas(schemas_dir: Path) -> list[str]:
    """Schema names (file names without ``.json``) directly in ``schemas_dir``; sub-folders hold parts, not schemas."""
    return sorted(path.stem for path in schemas_dir.glob("*.json") if _NAME.match(path.stem))


def load_schema(schemas_dir: Path, name: str) -> dict[str, Any]:
    """The schema descriptor called ``name``; the name is checked so it cannot point outside the folder."""
    path = schemas_dir / f"{name}.json"
    if not _NAME.match(name) or not path.is_file():
        raise SchemaNotFoundError(
            _("Skema `%(nama)s` tidak ada. Skema yang tersedia: %(daftar)s", nama=name,
              daftar=", ".join(list_schemas(schemas_dir)) or "-")
        )
    with path.open(encoding="utf-8") as stream:
        return json.load(stream)


@dataclass(frozen=True)
class SchemaSuggestion:
    """One candidate schema for a header row, with what matched and what did not."""

    name: str
    score: float
    """Dice coefficient of matched columns: 2 × matched / (schema fields + file columns), from 0 to 1."""
    matched: tuple[str, ...]
    missing: tuple[str, ...]
    extra: tuple[str, ...]


def suggest_schema(headers: Iterable[str | None], schemas: Mapping[str, Mapping[str, Any]]) -> list[SchemaSuggestion]:
    """Schemas ranked by how well ``headers`` match their fields (names, titles, aliases); none that match nothing."""
    labels = [label.strip() for label in headers if label and label.strip()]
    suggestions = []
    for name, schema in schemas.items():
        keys = header_keys(schema)
        matched: dict[str, None] = {}
        extra = []
        for label in labels:
            field_name = keys.get(normalise_header(label))
            if field_name is None:
                extra.append(label)
            else:
                matched.setdefault(field_name)
        if not matched:
            continue
        field_names = [spec["name"] for spec in schema.get("fields", [])]
        score = 2 * len(matched) / (len(field_names) + len(labels))
        suggestions.append(SchemaSuggestion(
            name=name, score=round(score, 3), matched=tuple(matched),
            missing=tuple(f for f in field_names if f not in matched), extra=tuple(extra),
        ))
    return sorted(suggestions, key=lambda s: (-s.score, -len(s.matched), s.name))


# -- a schema named on the command line: a name, a Table Schema file, or a data package ------------------------

TABLE_SCHEMA_TYPES = frozenset({
    "string", "number", "integer", "boolean", "object", "array", "date", "time", "datetime", "year", "yearmonth",
    "duration", "geopoint", "geojson", "any",
})
"""Field types of the Table Schema specification; a schema with another type is the author's mistake."""


class SchemaFileError(ValueError):
    """The schema file exists but is not a usable Table Schema or data package; the message names what is wrong."""


@dataclass(frozen=True)
class ResolvedSchema:
    """A schema chosen by ``resolve_schema``, with where it came from (for the report and for messages)."""

    descriptor: dict[str, Any]
    name: str
    """The schema's name in ``schemas/``, or the path as given (``datapackage.json#resource`` for a package)."""
    path: Path | None = None
    """The file the schema was read from; None for a name (the file is then ``schemas_dir/<name>.json``)."""

    @property
    def uses_reference(self) -> bool:
        """Whether a field asks for a reference list (``"ppid": {"referensi": ...}``), so the list is worth loading."""
        return any((spec.get("ppid") or {}).get("referensi") for spec in self.descriptor.get("fields", [])
                   if isinstance(spec, dict))


def resolve_schema(spec: str, schemas_dir: Path, file: Path | None = None, *,
                   resource: str | None = None) -> ResolvedSchema:
    """The schema ``spec`` means: a name in ``schemas_dir``, a Table Schema JSON file, or a ``datapackage.json``.

    A spec that looks like a name (no ``/``, no ``.json``) is a name first, so a stray file in the current
    folder cannot shadow a shared schema. In a data package the resource is ``resource`` if given, else the one
    whose path is ``file``'s name, else the only one with a schema. Every failure is one sentence:
    ``SchemaNotFoundError`` for a name or file that does not exist, ``SchemaFileError`` for one that cannot be
    used. Deeper Table Schema errors (a bad format, say) are left to the engine's ``InvalidSchemaError``.
    """
    looks_like_name = _NAME.match(spec) is not None and not spec.endswith(".json")
    path = Path(spec).expanduser()
    if looks_like_name and (schemas_dir / f"{spec}.json").is_file():
        if resource is not None:
            raise SchemaFileError(_("--resource hanya berlaku bila --schema menunjuk berkas datapackage.json."))
        return ResolvedSchema(descriptor=load_schema(schemas_dir, spec), name=spec)
    if not path.is_file():
        raise SchemaNotFoundError(_missing_schema_sentence(spec, schemas_dir, looks_like_name))
    document = _read_json(path)
    if isinstance(document, dict) and "resources" in document:
        return _package_schema(document, path, spec, file, resource)
    if resource is not None:
        raise SchemaFileError(_("--resource hanya berlaku bila --schema menunjuk berkas datapackage.json; "
                                "%(path)s adalah Table Schema.", path=spec))
    _check_table_schema(document, spec)
    return ResolvedSchema(descriptor=document, name=spec, path=path)


def _missing_schema_sentence(spec: str, schemas_dir: Path, looks_like_name: bool) -> str:
    names = list_schemas(schemas_dir)
    if not looks_like_name:
        return _("Berkas skema %(path)s tidak ada.", path=spec)
    close = difflib.get_close_matches(spec, names, n=3, cutoff=0.6)
    if close:
        return _("Skema `%(nama)s` tidak ada di %(folder)s dan bukan berkas; mungkin maksudnya: %(mirip)s.",
                 nama=spec, folder=schemas_dir, mirip=", ".join(close))
    return _("Skema `%(nama)s` tidak ada di %(folder)s dan bukan berkas; skema yang tersedia: %(daftar)s.",
             nama=spec, folder=schemas_dir, daftar=", ".join(names) or "-")


def _read_json(path: Path) -> Any:
    try:
        with path.open(encoding="utf-8-sig") as stream:
            return json.load(stream)
    except json.JSONDecodeError as error:
        raise SchemaFileError(_("Berkas skema %(path)s bukan JSON yang sah (baris %(line)s, kolom %(column)s).",
                                path=path, line=error.lineno, column=error.colno)) from error
    except UnicodeDecodeError as error:
        raise SchemaFileError(_("Berkas skema %(path)s bukan teks UTF-8.", path=path)) from error
    except OSError as error:
        raise SchemaFileError(_("Berkas skema %(path)s tidak dapat dibaca: %(reason)s.", path=path,
                                reason=error.strerror)) from error


def _package_schema(package: dict[str, Any], path: Path, spec: str, file: Path | None,
                    wanted: str | None) -> ResolvedSchema:
    """The schema of one resource of a data package (inline, or a file beside the package)."""
    resources = [item for item in package.get("resources") or [] if isinstance(item, dict)]
    names = [str(item.get("name") or item.get("path") or "?") for item in resources]
    listed = ", ".join(names) or "-"
    if wanted is not None:
        chosen = next((item for item, name in zip(resources, names, strict=True) if name == wanted), None)
        if chosen is None:
            raise SchemaFileError(_("Paket data %(path)s tidak punya sumber daya `%(nama)s`; yang ada: %(daftar)s.",
                                    path=spec, nama=wanted, daftar=listed))
    else:
        same_file = [item for item in resources if file is not None and file.name in _resource_file_names(item)]
        with_schema = [item for item in resources if item.get("schema")]
        if len(same_file) == 1:
            chosen = same_file[0]
        elif len(with_schema) == 1:
            chosen = with_schema[0]
        else:
            raise SchemaFileError(_("Paket data %(path)s punya beberapa sumber daya (%(daftar)s) dan tidak ada yang "
                                    "berjalur sama dengan nama berkas; pilih satu dengan --resource NAMA.",
                                    path=spec, daftar=listed))
    name = str(chosen.get("name") or chosen.get("path") or "?")
    schema = chosen.get("schema")
    if not schema:
        raise SchemaFileError(_("Sumber daya `%(nama)s` di paket data %(path)s tidak punya skema.", nama=name,
                                path=spec))
    label = f"{spec}#{name}"
    if isinstance(schema, str):
        if "://" in schema:
            raise SchemaFileError(_("Skema sumber daya `%(nama)s` ada di alamat web (%(url)s); ppid tidak mengunduh "
                                    "skema, simpan berkasnya di samping datapackage.json lalu sebut jalurnya.",
                                    nama=name, url=schema))
        schema_path = path.parent / schema
        if not schema_path.is_file():
            raise SchemaNotFoundError(_("Berkas skema %(schema)s yang disebut sumber daya `%(nama)s` di %(path)s tidak "
                                        "ada.", schema=schema_path, nama=name, path=spec))
        schema = _read_json(schema_path)
        _check_table_schema(schema, str(schema_path))
        return ResolvedSchema(descriptor=schema, name=label, path=schema_path)
    _check_table_schema(schema, label)
    return ResolvedSchema(descriptor=schema, name=label, path=path)


def _resource_file_names(resource: Mapping[str, Any]) -> set[str]:
    paths = resource.get("path")
    paths = paths if isinstance(paths, list) else [paths]
    return {PurePosixPath(item).name for item in paths if isinstance(item, str)}


def _check_table_schema(schema: Any, where: str) -> None:
    """The mistakes a schema author makes most, named in one sentence before the engine sees the schema."""
    if not isinstance(schema, dict):
        raise SchemaFileError(_("%(path)s bukan Table Schema: isinya harus objek JSON dengan daftar \"fields\".",
                                path=where))
    fields = schema.get("fields")
    if not isinstance(fields, list) or not fields:  # frictionless accepts none; no file can match such a schema
        raise SchemaFileError(_("%(path)s bukan Table Schema: daftar \"fields\" tidak ada atau kosong.", path=where))
    seen: set[str] = set()
    for position, spec in enumerate(fields, start=1):
        if not isinstance(spec, dict) or not isinstance(spec.get("name"), str) or not spec["name"]:
            raise SchemaFileError(_("Kolom ke-%(position)s di %(path)s tidak punya \"name\".", position=position,
                                    path=where))
        name = spec["name"]
        if name in seen:
            raise SchemaFileError(_("Kolom `%(nama)s` disebut dua kali di %(path)s.", nama=name, path=where))
        seen.add(name)
        kind = spec.get("type", "string")
        if kind not in TABLE_SCHEMA_TYPES:
            raise SchemaFileError(_("Kolom `%(nama)s` di %(path)s bertipe \"%(tipe)s\", yang tidak dikenal Table "
                                    "Schema; pilih salah satu dari: %(daftar)s.", nama=name, path=where, tipe=kind,
                                    daftar=", ".join(sorted(TABLE_SCHEMA_TYPES))))
        constraints = spec.get("constraints") or {}
        if not isinstance(constraints, dict):
            raise SchemaFileError(_("\"constraints\" kolom `%(nama)s` di %(path)s harus berupa objek JSON.",
                                    nama=name, path=where))
        pattern = constraints.get("pattern")
        if isinstance(pattern, str):
            try:
                re.compile(pattern)
            except re.error as error:
                raise SchemaFileError(_("Pola (pattern) kolom `%(nama)s` di %(path)s bukan ekspresi reguler yang sah: "
                                        "%(reason)s.", nama=name, path=where, reason=error)) from error
    _check_ppid_properties(schema, where)
    key = schema.get("primaryKey") or []
    for name in [key] if isinstance(key, str) else key:
        if name not in seen:
            raise SchemaFileError(_("primaryKey di %(path)s menyebut kolom `%(nama)s` yang tidak ada di \"fields\".",
                                    path=where, nama=name))


def _check_ppid_properties(schema: dict[str, Any], where: str) -> None:
    """ppid's own properties (``"ppid": {...}``), which no Table Schema validator looks at."""
    about = schema.get("ppid", {})
    fields = [spec for spec in schema["fields"] if "ppid" in spec]
    for owner, value in [(None, about), *((spec["name"], spec["ppid"]) for spec in fields)]:
        if not isinstance(value, dict):
            raise SchemaFileError(_("\"ppid\" di %(path)s harus berupa objek JSON.", path=where) if owner is None else
                                  _("\"ppid\" kolom `%(nama)s` di %(path)s harus berupa objek JSON.", nama=owner,
                                    path=where))
    formulas = about.get("row_constraints", [])
    for formula in formulas if isinstance(formulas, list) else [formulas]:
        try:
            ast.parse(formula if isinstance(formula, str) else "", mode="eval")
            readable = isinstance(formula, str) and formula.strip() != ""
        except SyntaxError:
            readable = False
        if not readable:
            raise SchemaFileError(_("Rumus row_constraints %(rumus)s di %(path)s tidak dapat dibaca; tulis sebagai "
                                    "teks, misalnya \"jumlah == laki_laki + perempuan\".", rumus=json.dumps(formula),
                                    path=where))
    aliases = about.get("header_aliases", {})
    if not isinstance(aliases, dict) or not all(isinstance(names, list) and all(isinstance(n, str) for n in names)
                                                for names in aliases.values()):
        raise SchemaFileError(_("header_aliases di %(path)s harus memetakan nama kolom ke daftar judul, misalnya "
                                "{\"jumlah\": [\"Jml\"]}.", path=where))
