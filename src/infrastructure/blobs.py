"""A content-addressed blob store on disk for the technical documents of orders.

Each blob lives at `root/<first 2 hex>/<sha256 hex>`, read-only. Uploads stream
into a uniquely named file in `root/tmp/` and are renamed into place with
`os.replace` only once complete and fsynced, so a crash never leaves a partial
file under a final name and concurrent uploads of the same content simply
replace one good copy with another. Every read re-hashes the file first: disks
rot, and a drawing that silently changed must never reach a customer.
"""

from __future__ import annotations

import contextlib
import hashlib
import io
import os
import re
import tempfile
from collections.abc import Iterator
from pathlib import Path
from typing import IO, BinaryIO

import msgspec

_SHA256_HEX = re.compile(r"[0-9a-f]{64}")


class BlobError(Exception):
    """Base of every blob store error; the message names the problem and the blob."""


class BlobTooLarge(BlobError):
    """An upload exceeded the configured size limit; nothing was stored."""

    def __init__(self, limit: int) -> None:
        super().__init__(f"upload exceeds the limit of {limit} bytes")
        self.limit = limit


class BlobMissing(BlobError):
    """No blob is stored under this hash."""

    def __init__(self, sha256: str) -> None:
        super().__init__(f"blob {sha256} is not stored")
        self.sha256 = sha256


class BlobCorrupted(BlobError):
    """The stored content no longer matches its recorded hash or size."""

    def __init__(self, sha256: str, detail: str) -> None:
        super().__init__(f"blob {sha256} is corrupted: {detail}")
        self.sha256 = sha256


class StoredBlob(msgspec.Struct, frozen=True):
    """The address of stored content: its lowercase hex SHA-256 and its size in bytes."""

    sha256: str
    size: int


class BlobStore:
    """Blobs under `root`, each upload at most `max_bytes`, streamed `chunk_size` at a time."""

    def __init__(self, root: Path, *, max_bytes: int, chunk_size: int = 1 << 16) -> None:
        if max_bytes < 0 or chunk_size <= 0:
            msg = f"need max_bytes >= 0 and chunk_size > 0, got {max_bytes} and {chunk_size}"
            raise ValueError(msg)
        self._root = root
        self._tmp = root / "tmp"  # not two hex digits, so never mistaken for a fan-out dir
        self._max_bytes = max_bytes
        self._chunk_size = chunk_size
        self._tmp.mkdir(parents=True, exist_ok=True)

    def path_of(self, sha256: str) -> Path:
        """Where the blob with this hash lives; ValueError unless it is 64 lowercase hex."""
        if not _SHA256_HEX.fullmatch(sha256):
            msg = f"not a lowercase hex SHA-256: {sha256!r}"
            raise ValueError(msg)
        return self._root / sha256[:2] / sha256

    def put(self, source: IO[bytes]) -> StoredBlob:
        """Store everything `source` yields; the same content is stored once.

        Raises BlobTooLarge (leaving nothing behind) past `max_bytes`. A stored copy
        that has gone corrupt is replaced by this upload, which repairs it.
        """
        fd, tmp_name = tempfile.mkstemp(dir=self._tmp, suffix=".part")
        tmp = Path(tmp_name)
        try:
            with os.fdopen(fd, "wb") as out:
                blob = self._copy(source, out)
                final = self.path_of(blob.sha256)
                already_stored = _matches(final, blob)
                if not already_stored:
                    out.flush()
                    os.fsync(out.fileno())
            if already_stored:
                tmp.unlink()
                return blob
            tmp.chmod(0o444)
            self._install(tmp, final)
        except BaseException:
            tmp.unlink(missing_ok=True)
            raise
        return blob

    def open(self, sha256: str, size: int) -> Iterator[bytes]:
        """The blob's content in chunks, after checking all of it against `sha256` and `size`.

        Raises ValueError for a malformed hash, BlobMissing if absent and
        BlobCorrupted if the content on disk no longer matches.
        """
        path = self.path_of(sha256)
        blob = StoredBlob(sha256=sha256, size=size)
        try:
            with path.open("rb") as f:
                _verify(f, blob)
        except FileNotFoundError:
            raise BlobMissing(sha256) from None
        return self._stream(path, blob)

    def _copy(self, source: IO[bytes], out: BinaryIO) -> StoredBlob:
        digest = hashlib.sha256()
        size = 0
        # Ask for at most one byte past the limit, so an oversized upload is cut short.
        while chunk := source.read(min(self._chunk_size, self._max_bytes - size + 1)):
            size += len(chunk)
            if size > self._max_bytes:
                raise BlobTooLarge(self._max_bytes)
            digest.update(chunk)
            out.write(chunk)
        return StoredBlob(sha256=digest.hexdigest(), size=size)

    def _install(self, tmp: Path, final: Path) -> None:
        try:
            final.parent.mkdir()
            _fsync_dir(self._root)  # the new fan-out dir must survive a crash too
        except FileExistsError:
            pass
        if os.name == "nt":
            # Windows refuses to replace a read-only file; the target here is corrupt.
            with contextlib.suppress(FileNotFoundError):
                final.chmod(0o644)
        os.replace(tmp, final)
        _fsync_dir(final.parent)

    def _stream(self, path: Path, blob: StoredBlob) -> Iterator[bytes]:
        # Hash again while streaming: the file could rot between the check and the read.
        # By then some bytes are out, but the consumer still gets an error, not a bad file.
        digest = hashlib.sha256()
        size = 0
        try:
            f = path.open("rb")
        except FileNotFoundError:
            raise BlobMissing(blob.sha256) from None
        with f:
            while chunk := f.read(self._chunk_size):
                digest.update(chunk)
                size += len(chunk)
                yield chunk
        if size != blob.size or digest.hexdigest() != blob.sha256:
            raise BlobCorrupted(blob.sha256, "content changed while it was being read")


def _verify(f: io.BufferedReader, blob: StoredBlob) -> None:
    size = os.fstat(f.fileno()).st_size
    if size != blob.size:  # cheap check first: truncation is the common damage
        raise BlobCorrupted(blob.sha256, f"size is {size} bytes, expected {blob.size}")
    actual = hashlib.file_digest(f, "sha256").hexdigest()
    if actual != blob.sha256:
        raise BlobCorrupted(blob.sha256, f"content hashes to {actual}")


def _matches(path: Path, blob: StoredBlob) -> bool:
    try:
        with path.open("rb") as f:
            _verify(f, blob)
    except (FileNotFoundError, BlobCorrupted):
        return False
    return True


def _fsync_dir(path: Path) -> None:
    if os.name != "posix":  # Windows cannot open a directory; its renames are durable enough
        return
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)
