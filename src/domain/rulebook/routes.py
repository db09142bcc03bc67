"""The stage route of each order type, the gates that move an order along it, and
the days each stage may take."""

from __future__ import annotations

from typing import Annotated

import msgspec

from domain.document_version import DocumentKind
from domain.stages import Stage

NonEmpty = Annotated[str, msgspec.Meta(min_length=1, max_length=200)]


class Route(msgspec.Struct, frozen=True, kw_only=True):
    order_type: NonEmpty
    version: int
    stages: tuple[Stage, ...]

    @property
    def terminal(self) -> Stage:
        return self.stages[-1]

    def next_after(self, stage: Stage) -> Stage | None:
        i = self.stages.index(stage)
        return self.stages[i + 1] if i + 1 < len(self.stages) else None


class StageGate(msgspec.Struct, frozen=True, kw_only=True):
    """An order in `from_stage` moves to `to_stage` by itself once the customer has
    confirmed a current version of every document kind in `confirmed_documents`,
    and `notify_role` is given the task `task` (e.g. designing -> material
    preparation once the design drawings are uploaded and signed back; the
    purchasing manager checks the bill of materials)."""

    from_stage: Stage
    to_stage: Stage
    confirmed_documents: tuple[DocumentKind, ...]
    notify_role: NonEmpty
    task: NonEmpty
    due_in_hours: Annotated[int, msgspec.Meta(ge=1, le=24 * 365)] = 24
    escalation: tuple[NonEmpty, ...] = ("department_head", "vp")  # when the task is late
    escalate_every_hours: Annotated[int, msgspec.Meta(ge=1, le=24 * 365)] = 24


class StageGates(msgspec.Struct, frozen=True, kw_only=True):
    version: int
    gates: tuple[StageGate, ...]


class StageDeadlines(msgspec.Struct, frozen=True, kw_only=True):
    version: int
    days: dict[Stage, int]
