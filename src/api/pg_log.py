"""The PostgreSQL event log's recorder: the library's, with each append one round trip.

The `eventsourcing` library's `PostgresApplicationRecorder` appends in a
pipelined transaction - lock the table, notify, insert, sync to surface a
conflict, commit - that costs two round trips and dumps each row as a composite
value in Python. This recorder sends one statement instead: a function that
takes the rows as four plain arrays (binary-dumped by psycopg) and, inside the
statement's own transaction on the pool's autocommit connection, takes the same
EXCLUSIVE table lock, notifies, inserts and returns the notification ids. The
commit is the statement's end, so the round trip includes it.

Everything else - the table, its indexes, reads, subscriptions - is the
library's. The lock is what keeps notification ids in commit order (a reader
never passes a gap that fills in later): it is taken before the sequence hands
out ids and held until commit, as in the library. A conflict on
(originator_id, originator_version) raises the library's `IntegrityError` and
writes nothing. The library's own recorder test cases run against this class in
tests/api/test_pg_log.py.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from eventsourcing.persistence import InterfaceError, OperationalError, StoredEvent
from eventsourcing.postgres import PostgresApplicationRecorder, PostgresDatastore
from eventsourcing.utils import retry
from psycopg.sql import SQL, Identifier


class PostgresLogRecorder(PostgresApplicationRecorder):
    def __init__(
        self, datastore: PostgresDatastore, *, events_table_name: str = "stored_events"
    ) -> None:
        super().__init__(datastore, events_table_name=events_table_name)
        schema, table = datastore.schema, self.events_table_name
        function = Identifier(f"orderhub_append_{table}"[:63])
        id_type = datastore.originator_id_type
        self.sql_create_statements.append(
            SQL(
                "CREATE OR REPLACE FUNCTION {schema}.{function}("
                "ids {id_type}[], versions bigint[], topics text[], states bytea[]) "
                "RETURNS SETOF bigint LANGUAGE plpgsql AS $BODY$ BEGIN "
                "SET LOCAL lock_timeout = '{timeout}s'; "
                "LOCK TABLE {schema}.{table} IN EXCLUSIVE MODE; "
                "NOTIFY {channel}; "
                "RETURN QUERY INSERT INTO {schema}.{table} "
                "(originator_id, originator_version, topic, state) "
                "SELECT * FROM unnest(ids, versions, topics, states) "
                "RETURNING notification_id; "
                "END; $BODY$"
            ).format(
                schema=Identifier(schema),
                function=function,
                id_type=SQL(id_type),
                timeout=SQL(str(int(datastore.lock_timeout))),
                table=Identifier(table),
                channel=Identifier(self.channel_name),
            )
        )
        self.append_statement = SQL(
            "SELECT * FROM {schema}.{function}(%s::{id_type}[], %s::bigint[], %s::text[], "
            "%s::bytea[])"
        ).format(schema=Identifier(schema), function=function, id_type=SQL(id_type))
        self.id_type = id_type

    @retry((InterfaceError, OperationalError), max_attempts=10, wait=0.2)
    def insert_events(self, stored_events: Sequence[StoredEvent], **_: Any) -> Sequence[int] | None:
        if not stored_events:
            return []
        columns = (
            [str(e.originator_id) if self.id_type == "text" else e.originator_id
             for e in stored_events],
            [e.originator_version for e in stored_events],
            [e.topic for e in stored_events],
            [e.state for e in stored_events],
        )  # fmt: skip
        with self.datastore.get_connection() as conn, conn.cursor() as curs:
            curs.execute(self.append_statement, columns, prepare=True)
            return [next(iter(row.values())) for row in curs.fetchall()]
