"""The sync manifest: the index's format version and, for each indexed file, its content hash, document id,
chunk ids and embedding models.

Written atomically after every batch, so a crash leaves either the old or the new entry, never a torn file.
"""

from __future__ import annotations

import hashlib
import json
import os
from dataclasses import asdict, dataclass, field
from pathlib import Path

MANIFEST_NAME = "manifest.json"
DIRTY_NAME = "sync-in-progress"
# What the index holds, by version: 1 = a dense collection per configured model (minilm and e5 by default) and an
# e5 vocabulary only with e5; 2 = the vocabulary whenever cross-lingual search is on, e5 passages only when asked.
INDEX_FORMAT = 2


class IndexFormatError(ValueError):
    """The index was written by a newer version than this one reads."""


@dataclass
class FileEntry:
    doc_id: str
    sha256: str
    chunk_ids: list[str] = field(default_factory=list)
    models: list[str] = field(default_factory=list)


@dataclass
class Manifest:
    folder: Path
    files: dict[str, FileEntry] = field(default_factory=dict)
    version: int = INDEX_FORMAT  # the format of the index it describes (an older one is migrated on the next sync)

    @classmethod
    def load(cls, folder: Path) -> "Manifest":
        path = folder / MANIFEST_NAME
        if not path.is_file():
            return cls(folder)
        data = json.loads(path.read_text(encoding="utf-8"))
        files = {key: FileEntry(**entry) for key, entry in data.get("files", {}).items()}
        return cls(folder, files, int(data.get("version", 1)))

    def save(self) -> None:
        self.folder.mkdir(parents=True, exist_ok=True)
        tmp = self.folder / (MANIFEST_NAME + ".tmp")
        payload = {"version": self.version, "files": {key: asdict(entry) for key, entry in sorted(self.files.items())}}
        tmp.write_text(json.dumps(payload, indent=1, ensure_ascii=False), encoding="utf-8")
        os.replace(tmp, self.folder / MANIFEST_NAME)

    def chunk_ids(self) -> set[str]:
        return {cid for entry in self.files.values() for cid in entry.chunk_ids}

    # A marker that exists only while a sync is writing: found at start, the last sync died and is repaired.
    def mark_dirty(self) -> None:
        self.folder.mkdir(parents=True, exist_ok=True)
        (self.folder / DIRTY_NAME).touch()

    def is_dirty(self) -> bool:
        return (self.folder / DIRTY_NAME).exists()

    def mark_clean(self) -> None:
        (self.folder / DIRTY_NAME).unlink(missing_ok=True)


def file_hash(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()
