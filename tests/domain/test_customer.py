"""The customer master: a record is written when it changes, and says what it is."""

from __future__ import annotations

import itertools
from datetime import UTC, datetime

from hypothesis import given
from hypothesis import strategies as st
from msgspec.structs import replace

from domain.customer import (
    INITIAL,
    CustomerDetails,
    CustomerRecorded,
    RecordCustomer,
    decide,
    evolve,
)
from domain.personal import Sealed, SealedFor
from domain.testing.spec import spec

AT = datetime(2026, 1, 5, 9, tzinfo=UTC)
customer = spec(decide, evolve, INITIAL)
DETAILS = CustomerDetails(name="宁波某注塑机厂", region="浙江", salesperson="wang.fang",
                          payment_days=60)  # fmt: skip


def record(details: CustomerDetails = DETAILS, customer_id: str = "C-1") -> RecordCustomer:
    return RecordCustomer(customer_id=customer_id, details=details, at=AT)


def test_a_new_customer_is_recorded_and_the_same_record_again_changes_nothing() -> None:
    recorded = CustomerRecorded(customer_id="C-1", details=DETAILS, at=AT)
    customer().when(record()).then(recorded)
    customer(recorded).when(record()).then()
    moved = replace(DETAILS, region="上海")
    state = (
        customer(recorded)
        .when(record(moved))
        .then(CustomerRecorded(customer_id="C-1", details=moved, at=AT))
    )
    assert (state.version, state.details) == (2, moved)


def test_a_contact_is_sealed_for_the_customer_it_belongs_to() -> None:
    theirs = Sealed(subject="C-2", key_id="k", ciphertext="AAAA")
    customer().when(record(replace(DETAILS, contact=theirs))).raises(SealedFor, field="contact")


details = st.builds(
    CustomerDetails,
    name=st.sampled_from(["甲厂", "乙公司"]),
    region=st.sampled_from(["浙江", "江苏"]),
    payment_days=st.none() | st.integers(0, 365),
)


@given(st.lists(details, max_size=12))
def test_the_record_is_the_last_one_given_and_each_event_a_change(
    records: list[CustomerDetails],
) -> None:
    state, events = INITIAL, []
    for d in records:
        new = decide(record(d), state)
        assert len(new) == (d != state.details)
        events += new
        for event in new:
            state = evolve(state, event)
    assert state.details == (records[-1] if records else None)
    assert state.version == len(events)
    assert all(a.details != b.details for a, b in itertools.pairwise(events))
