"""A read of one statement costs one round trip on PostgreSQL: no transaction around it."""

from __future__ import annotations

import pytest

from infrastructure.storage import open_storage

pytestmark = pytest.mark.postgres


def test_a_one_statement_read_is_not_wrapped_in_a_transaction(postgres_url: str) -> None:
    storage = open_storage(postgres_url)
    try:
        # Inside BEGIN ... the transaction started a round trip before the statement.
        rows = storage.read_store.query(
            "SELECT transaction_timestamp() = statement_timestamp() AS alone"
        )
        assert rows == [{"alone": True}]
        with storage.read_store.transaction(commit=False) as tx:
            tx.execute("SELECT transaction_timestamp() = statement_timestamp() AS alone")
            assert tx.fetchone() == {"alone": False}
    finally:
        storage.close()
