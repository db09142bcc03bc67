"""Merkle tree hashing as Certificate Transparency does it (RFC 9162, section 2.1).

Leaves are hashed as SHA-256(0x00 || data) and inner nodes as SHA-256(0x01 ||
left || right); a tree of n leaves splits at the largest power of two below n. So
the root over the log's records commits to every record and its place, and an
inclusion proof (the audit path: one sibling hash per level) shows one record is
in the tree with a few hundred bytes, checked offline by anyone with the root.
Any other implementation of RFC 9162 computes the same roots and checks the same
proofs (the test suite checks the RFC's published vectors).

A `Frontier` is the tree being appended to, held as the roots of its complete
subtrees (one per set bit of its size): O(log n) hashes, enough to append and to
give the root at any moment without reading the leaves again.
"""

from __future__ import annotations

import hashlib
from collections.abc import Sequence

EMPTY_ROOT = hashlib.sha256(b"").digest()


def leaf_hash(data: bytes) -> bytes:
    return hashlib.sha256(b"\x00" + data).digest()


def node_hash(left: bytes, right: bytes) -> bytes:
    return hashlib.sha256(b"\x01" + left + right).digest()


class Frontier:
    """The roots of the complete subtrees of a tree of `size` leaves, largest first."""

    def __init__(self, size: int = 0, hashes: Sequence[bytes] = ()) -> None:
        if len(hashes) != size.bit_count():
            raise ValueError(f"a tree of {size} leaves has {size.bit_count()} subtree roots, "
                             f"not {len(hashes)}")  # fmt: skip
        self.size = size
        self.hashes = list(hashes)

    def append(self, leaf: bytes) -> None:
        """Add a leaf hash: it merges with every subtree of its size, as carries do."""
        self.hashes.append(leaf)
        size = self.size
        while size & 1:
            right = self.hashes.pop()
            self.hashes[-1] = node_hash(self.hashes[-1], right)
            size >>= 1
        self.size += 1

    def root(self) -> bytes:
        if not self.hashes:
            return EMPTY_ROOT
        root = self.hashes[-1]
        for left in reversed(self.hashes[:-1]):
            root = node_hash(left, root)
        return root

    def encode(self) -> str:
        return "".join(h.hex() for h in self.hashes)

    @classmethod
    def decode(cls, size: int, text: str) -> Frontier:
        raw = bytes.fromhex(text)
        return cls(size, [raw[i : i + 32] for i in range(0, len(raw), 32)])


def root_of(leaves: Sequence[bytes]) -> bytes:
    """The root of the tree over these leaf hashes."""
    frontier = Frontier()
    for leaf in leaves:
        frontier.append(leaf)
    return frontier.root()


def _split(n: int) -> int:
    """The largest power of two smaller than n (n > 1)."""
    return 1 << ((n - 1).bit_length() - 1)


def inclusion_path(index: int, leaves: Sequence[bytes]) -> list[bytes]:
    """The audit path of leaf `index` in the tree over `leaves`, bottom up (RFC 9162
    2.1.3.1)."""
    if not 0 <= index < len(leaves):
        raise IndexError(f"leaf {index} is not in a tree of {len(leaves)} leaves")
    path: list[bytes] = []
    low, high = 0, len(leaves)
    while high - low > 1:  # walk down, collecting the other side's root at each split
        k = _split(high - low)
        if index - low < k:
            path.append(root_of(leaves[low + k : high]))
            high = low + k
        else:
            path.append(root_of(leaves[low : low + k]))
            low += k
    path.reverse()
    return path


def root_from_path(index: int, size: int, leaf: bytes, path: Sequence[bytes]) -> bytes | None:
    """The root that `path` proves leaf `index` of a tree of `size` leaves under (RFC
    9162 2.1.3.2); None when the path cannot belong to such a tree."""
    if not 0 <= index < size:
        return None
    fn, sn, root = index, size - 1, leaf
    for sibling in path:
        if sn == 0:
            return None
        if fn & 1 or fn == sn:
            root = node_hash(sibling, root)
            while not fn & 1 and fn:
                fn, sn = fn >> 1, sn >> 1
        else:
            root = node_hash(root, sibling)
        fn, sn = fn >> 1, sn >> 1
    return root if sn == 0 else None
