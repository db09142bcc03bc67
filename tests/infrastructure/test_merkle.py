"""The Merkle tree against RFC 9162's construction and Certificate Transparency's
published test vectors.

The leaves, roots and audit paths below are the reference data of Certificate
Transparency (RFC 6962 / RFC 9162 section 2.1), as shipped in the test suites of
google/certificate-transparency and transparency-dev/merkle: eight leaves of
0..16 bytes, the root of each tree of 1..8 of them, and the audit paths of leaf
0 and 5 of 8, leaf 2 of 3 and leaf 1 of 5 (0-based indices).
"""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from infrastructure.merkle import (
    EMPTY_ROOT,
    Frontier,
    inclusion_path,
    leaf_hash,
    root_from_path,
    root_of,
)

DATA = ["", "00", "10", "2021", "3031", "40414243", "5051525354555657",
        "606162636465666768696a6b6c6d6e6f"]  # fmt: skip
LEAVES = [leaf_hash(bytes.fromhex(d)) for d in DATA]
ROOTS = [
    "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855",
    "6e340b9cffb37a989ca544e6bb780a2c78901d3fb33738768511a30617afa01d",
    "fac54203e7cc696cf0dfcb42c92a1d9dbaf70ad9e621f4bd8d98662f00e3c125",
    "aeb6bcfe274b70a14fb067a5e5578264db0fa9b51af5e0ba159158f329e06e77",
    "d37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7",
    "4e3bbb1f7b478dcfe71fb631631519a3bca12c9aefca1612bfce4c13a86264d4",
    "76e67dadbcdf1e10e1b74ddc608abd2f98dfb16fbce75277b5232a127f2087ef",
    "ddb89be403809e325750d3d263cd78929c2942b7942a34b77e122c9594a74c8c",
    "5dc9da79a70659a9ad559cb701ded9a2ab9d823aad2f4960cfe370eff4604328",
]
PATHS = [
    (0, 8, ["96a296d224f285c67bee93c30f8a309157f0daa35dc5b87e410b78630a09cfc7",
            "5f083f0a1a33ca076a95279832580db3e0ef4584bdff1f54c8a360f50de3031e",
            "6b47aaf29ee3c2af9af889bc1fb9254dabd31177f16232dd6aab035ca39bf6e4"]),
    (5, 8, ["bc1a0643b12e4d2d7c77918f44e0f4f79a838b6cf9ec5b5c283e1f4d88599e6b",
            "ca854ea128ed050b41b35ffc1b87b8eb2bde461e9e3b5596ece6b9d5975a0ae0",
            "d37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7"]),
    (2, 3, ["fac54203e7cc696cf0dfcb42c92a1d9dbaf70ad9e621f4bd8d98662f00e3c125"]),
    (1, 5, ["6e340b9cffb37a989ca544e6bb780a2c78901d3fb33738768511a30617afa01d",
            "5f083f0a1a33ca076a95279832580db3e0ef4584bdff1f54c8a360f50de3031e",
            "bc1a0643b12e4d2d7c77918f44e0f4f79a838b6cf9ec5b5c283e1f4d88599e6b"]),
]  # fmt: skip


def test_the_empty_tree_and_every_tree_of_the_reference_leaves_have_the_published_root() -> None:
    assert EMPTY_ROOT.hex() == ROOTS[0]
    frontier = Frontier()
    for n, leaf in enumerate(LEAVES, start=1):
        frontier.append(leaf)
        assert root_of(LEAVES[:n]).hex() == ROOTS[n]
        assert frontier.root().hex() == ROOTS[n]


@pytest.mark.parametrize(("index", "size", "path"), PATHS)
def test_audit_paths_are_the_published_ones_and_prove_the_published_root(
    index: int, size: int, path: list[str]
) -> None:
    assert [h.hex() for h in inclusion_path(index, LEAVES[:size])] == path
    proved = root_from_path(index, size, LEAVES[index], [bytes.fromhex(h) for h in path])
    assert proved is not None
    assert proved.hex() == ROOTS[size]


def test_a_path_proves_nothing_for_another_leaf_index_or_size() -> None:
    path = inclusion_path(5, LEAVES)
    assert root_from_path(5, 8, LEAVES[4], path) != root_of(LEAVES)
    assert root_from_path(4, 8, LEAVES[5], path) != root_of(LEAVES)
    assert root_from_path(5, 6, LEAVES[5], path) != root_of(LEAVES)  # (the size is signed)
    assert root_from_path(8, 8, LEAVES[5], path) is None
    assert root_from_path(5, 8, LEAVES[5], [*path, path[0]]) is None  # too long


def test_a_frontier_survives_its_text_form() -> None:
    frontier = Frontier()
    for leaf in LEAVES[:7]:
        frontier.append(leaf)
    again = Frontier.decode(7, frontier.encode())
    again.append(LEAVES[7])
    assert again.root().hex() == ROOTS[8]
    with pytest.raises(ValueError, match="subtree roots"):
        Frontier.decode(8, frontier.encode())


@given(st.lists(st.binary(max_size=8), min_size=1, max_size=70), st.data())
def test_every_leaf_of_every_tree_proves_its_root(data: list[bytes], draw: st.DataObject) -> None:
    leaves = [leaf_hash(d) for d in data]
    root = root_of(leaves)
    index = draw.draw(st.integers(0, len(leaves) - 1))
    path = inclusion_path(index, leaves)
    assert root_from_path(index, len(leaves), leaves[index], path) == root
    assert root_from_path(index, len(leaves), leaf_hash(b"forged" + data[index]), path) != root
