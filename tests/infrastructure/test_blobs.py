"""The on-disk blob store: content addressing, limits, corruption, concurrency."""

from __future__ import annotations

import hashlib
import io
import os
import stat
import threading
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from infrastructure.blobs import BlobCorrupted, BlobMissing, BlobStore, BlobTooLarge, StoredBlob

DRAWING = b"%PDF-1.7 conveyor CONV-800 general arrangement, rev B\n" * 100


class RecordingReader(io.BytesIO):
    """A source that remembers how much each read asked for."""

    def __init__(self, data: bytes) -> None:
        super().__init__(data)
        self.requests: list[int] = []

    def read(self, size: int | None = -1, /) -> bytes:
        self.requests.append(-1 if size is None else size)
        return super().read(size)


class FailingReader(io.BytesIO):
    """A source whose connection drops after the first chunk."""

    def read(self, size: int | None = -1, /) -> bytes:
        if self.tell() > 0:
            raise ConnectionResetError("client went away")
        return super().read(size)


def stored_files(root: Path) -> list[Path]:
    return sorted(p for p in root.rglob("*") if p.is_file())


def rewrite(path: Path, data: bytes) -> None:
    path.chmod(0o644)
    path.write_bytes(data)


def test_content_round_trips_and_is_addressed_by_its_sha256(tmp_path: Path) -> None:
    store = BlobStore(tmp_path, max_bytes=1 << 20)
    blob = store.put(io.BytesIO(DRAWING))
    assert blob == StoredBlob(sha256=hashlib.sha256(DRAWING).hexdigest(), size=len(DRAWING))
    assert b"".join(store.open(blob.sha256, blob.size)) == DRAWING


def test_blob_is_stored_read_only_under_a_fan_out_dir(tmp_path: Path) -> None:
    store = BlobStore(tmp_path, max_bytes=1 << 20)
    blob = store.put(io.BytesIO(DRAWING))
    path = store.path_of(blob.sha256)
    assert path == tmp_path / blob.sha256[:2] / blob.sha256
    assert stat.S_IMODE(path.stat().st_mode) == 0o444
    assert path.read_bytes() == DRAWING


def test_same_content_twice_is_stored_once(tmp_path: Path) -> None:
    store = BlobStore(tmp_path, max_bytes=1 << 20)
    first = store.put(io.BytesIO(DRAWING))
    second = store.put(io.BytesIO(DRAWING))
    assert first == second
    assert stored_files(tmp_path) == [store.path_of(first.sha256)]


def test_empty_upload_is_a_blob_like_any_other(tmp_path: Path) -> None:
    store = BlobStore(tmp_path, max_bytes=10)
    blob = store.put(io.BytesIO(b""))
    assert blob == StoredBlob(sha256=hashlib.sha256(b"").hexdigest(), size=0)
    assert list(store.open(blob.sha256, 0)) == []


def test_upload_of_exactly_the_limit_is_accepted(tmp_path: Path) -> None:
    store = BlobStore(tmp_path, max_bytes=len(DRAWING), chunk_size=1000)
    assert store.put(io.BytesIO(DRAWING)).size == len(DRAWING)


def test_upload_over_the_limit_raises_blob_too_large_and_leaves_no_file(tmp_path: Path) -> None:
    store = BlobStore(tmp_path, max_bytes=len(DRAWING) - 1, chunk_size=1000)
    source = RecordingReader(DRAWING + b"x" * 1_000_000)
    with pytest.raises(BlobTooLarge, match=f"{len(DRAWING) - 1} bytes") as raised:
        store.put(source)
    assert raised.value.limit == len(DRAWING) - 1
    assert stored_files(tmp_path) == []
    assert sum(source.requests) <= len(DRAWING), "reading stops one byte past the limit"


def test_upload_failing_midway_leaves_no_file(tmp_path: Path) -> None:
    store = BlobStore(tmp_path, max_bytes=1 << 20, chunk_size=100)
    with pytest.raises(ConnectionResetError):
        store.put(FailingReader(DRAWING))
    assert stored_files(tmp_path) == []


def test_leftover_temp_files_from_a_crash_do_not_confuse_put(tmp_path: Path) -> None:
    store = BlobStore(tmp_path, max_bytes=1 << 20)
    (tmp_path / "tmp" / "crashed.part").write_bytes(DRAWING[:10])
    blob = store.put(io.BytesIO(DRAWING))
    assert b"".join(store.open(blob.sha256, blob.size)) == DRAWING


def test_flipped_byte_on_disk_raises_blob_corrupted_on_open(tmp_path: Path) -> None:
    store = BlobStore(tmp_path, max_bytes=1 << 20)
    blob = store.put(io.BytesIO(DRAWING))
    damaged = bytearray(DRAWING)
    damaged[len(damaged) // 2] ^= 0x01
    rewrite(store.path_of(blob.sha256), bytes(damaged))
    with pytest.raises(BlobCorrupted, match=blob.sha256) as raised:
        store.open(blob.sha256, blob.size)
    assert raised.value.sha256 == blob.sha256


def test_truncated_file_raises_blob_corrupted_on_open(tmp_path: Path) -> None:
    store = BlobStore(tmp_path, max_bytes=1 << 20)
    blob = store.put(io.BytesIO(DRAWING))
    rewrite(store.path_of(blob.sha256), DRAWING[:-1])
    with pytest.raises(BlobCorrupted, match="size"):
        store.open(blob.sha256, blob.size)


def test_size_other_than_recorded_raises_blob_corrupted(tmp_path: Path) -> None:
    store = BlobStore(tmp_path, max_bytes=1 << 20)
    blob = store.put(io.BytesIO(DRAWING))
    with pytest.raises(BlobCorrupted):
        store.open(blob.sha256, blob.size + 1)


def test_content_changing_while_streamed_raises_blob_corrupted(tmp_path: Path) -> None:
    store = BlobStore(tmp_path, max_bytes=1 << 20, chunk_size=100)
    blob = store.put(io.BytesIO(DRAWING))
    chunks = store.open(blob.sha256, blob.size)
    rewrite(store.path_of(blob.sha256), DRAWING.replace(b"rev B", b"rev C"))
    with pytest.raises(BlobCorrupted, match="while it was being read"):
        list(chunks)


def test_deleted_file_raises_blob_missing(tmp_path: Path) -> None:
    store = BlobStore(tmp_path, max_bytes=1 << 20)
    blob = store.put(io.BytesIO(DRAWING))
    store.path_of(blob.sha256).unlink()
    with pytest.raises(BlobMissing, match=blob.sha256) as raised:
        store.open(blob.sha256, blob.size)
    assert raised.value.sha256 == blob.sha256


@pytest.mark.parametrize(
    "sha256",
    [
        "../../etc/passwd",
        "../" + "a" * 61,
        "A" * 64,
        "a" * 63,
        "a" * 65,
        "a" * 64 + "\n",
        "g" * 64,
        "",
    ],
)
def test_malformed_hash_is_refused(tmp_path: Path, sha256: str) -> None:
    store = BlobStore(tmp_path, max_bytes=1 << 20)
    with pytest.raises(ValueError, match="SHA-256"):
        store.open(sha256, 0)
    with pytest.raises(ValueError, match="SHA-256"):
        store.path_of(sha256)


def test_large_upload_streams_in_several_chunks(tmp_path: Path) -> None:
    chunk_size = 64 * 1024
    data = os.urandom(5 * 1024 * 1024)
    store = BlobStore(tmp_path, max_bytes=len(data), chunk_size=chunk_size)
    source = RecordingReader(data)
    blob = store.put(source)
    assert max(source.requests) <= chunk_size
    chunks = list(store.open(blob.sha256, blob.size))
    assert len(chunks) >= len(data) // chunk_size
    assert all(len(chunk) <= chunk_size for chunk in chunks)
    assert b"".join(chunks) == data


def test_re_upload_repairs_a_corrupted_stored_copy(tmp_path: Path) -> None:
    store = BlobStore(tmp_path, max_bytes=1 << 20)
    blob = store.put(io.BytesIO(DRAWING))
    rewrite(store.path_of(blob.sha256), b"garbage")
    assert store.put(io.BytesIO(DRAWING)) == blob
    assert b"".join(store.open(blob.sha256, blob.size)) == DRAWING
    assert stat.S_IMODE(store.path_of(blob.sha256).stat().st_mode) == 0o444


def test_concurrent_puts_of_the_same_content_all_succeed_and_leave_one_file(
    tmp_path: Path,
) -> None:
    store = BlobStore(tmp_path, max_bytes=1 << 20, chunk_size=512)
    threads = 16
    start = threading.Barrier(threads)

    def upload() -> StoredBlob:
        start.wait()
        return store.put(io.BytesIO(DRAWING))

    with ThreadPoolExecutor(threads) as pool:
        blobs = list(pool.map(lambda _: upload(), range(threads)))
    assert set(blobs) == {blobs[0]}
    assert stored_files(tmp_path) == [store.path_of(blobs[0].sha256)]
    assert b"".join(store.open(blobs[0].sha256, blobs[0].size)) == DRAWING


@given(data=st.binary(max_size=4096), chunk_size=st.integers(min_value=1, max_value=1024))
def test_any_bytes_put_then_open_give_the_same_bytes_and_digest(
    tmp_path_factory: pytest.TempPathFactory, data: bytes, chunk_size: int
) -> None:
    store = BlobStore(tmp_path_factory.mktemp("blobs"), max_bytes=4096, chunk_size=chunk_size)
    blob = store.put(io.BytesIO(data))
    assert blob == StoredBlob(sha256=hashlib.sha256(data).hexdigest(), size=len(data))
    assert b"".join(store.open(blob.sha256, blob.size)) == data
