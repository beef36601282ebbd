"""A local or mounted drop folder: the embedded default and the bundled sample region's source."""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from datetime import UTC, datetime
from pathlib import Path

from marshmallow import Schema, fields

from harvesters.base import Item, Source, SourceError
from ppid.i18n import _


class FolderOptions(Schema):
    path = fields.String(required=True, metadata={"description": "Folder to read, relative to the registry file"})
    recursive = fields.Boolean(load_default=True)


class FolderSource(Source):
    kind = "folder"
    Options = FolderOptions
    weak_fingerprint = True

    def items(self, known: Mapping[str, str] | None = None) -> Iterator[Item]:
        root = Path(self.options["path"])
        if not root.is_dir():
            raise SourceError(_("folder %(path)s tidak ditemukan atau bukan folder.", path=root))
        pattern = "**/*" if self.options.get("recursive", True) else "*"
        for path in sorted(root.glob(pattern)):
            if not path.is_file() or any(part.startswith(".") for part in path.relative_to(root).parts):
                continue
            stat = path.stat()
            yield Item(
                key=path.relative_to(root).as_posix(),
                name=path.name,
                opener=lambda p=path: p.open("rb"),
                size=stat.st_size,
                modified=datetime.fromtimestamp(stat.st_mtime, UTC),
                fingerprint=f"{stat.st_size}:{stat.st_mtime_ns}",
            )
