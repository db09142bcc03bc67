"""Work order routes: who has what to do, and accepting, completing and reassigning it."""

from __future__ import annotations

from typing import Annotated, Any, Literal
from uuid import UUID

import msgspec
from litestar import Controller, Request, Response, get, post
from litestar.exceptions import NotFoundException
from litestar.params import FromQuery, JSONBody, Parameter

from api.commanding import command_meta, run_command
from api.exports import Format, FormatParam, exported, listed
from api.order_dto import Accepted
from api.reading import Offset, WaitFor, WaitTimeout, read_model
from api.runtime import RuntimeDep
from application.intake import Aware, In, Name, Text
from domain.deciders import TASK
from domain.task import AcceptTask, CompleteTask, ReassignTask
from infrastructure.read_store import Row, utc_text
from projections import tasks

Req = Request[Any, Any, Any]
TaskId = Annotated[UUID, Parameter(description="The task")]
Status = Literal["todo", "open", "accepted", "completed", "withdrawn"]


class AcceptIn(In, kw_only=True, forbid_unknown_fields=True):
    by: Name
    at: Aware


class CompleteIn(In, kw_only=True, forbid_unknown_fields=True):
    by: Name
    at: Aware
    note: Annotated[str, msgspec.Meta(max_length=2000)] = ""


class ReassignIn(In, kw_only=True, forbid_unknown_fields=True):
    role: Name
    assignee: Annotated[str, msgspec.Meta(max_length=200)] = ""
    reason: Text
    by: Name
    at: Aware


class TaskController(Controller):
    path = "/tasks"
    tags = ["tasks"]  # noqa: RUF012

    @get("/", sync_to_thread=True, responses=listed(list[Row]))
    def list_tasks(  # noqa: PLR0913 - the list's filters
        self,
        *,
        runtime: RuntimeDep,
        status: FromQuery[Status | None] = "todo",
        role: FromQuery[str | None] = None,
        assignee: FromQuery[str | None] = None,
        order_id: FromQuery[UUID | None] = None,
        overdue: FromQuery[bool] = False,
        limit: Annotated[int, Parameter(ge=1, le=500)] = 100,
        offset: Offset = 0,
        wait_for_position: WaitFor = None,
        wait_timeout: WaitTimeout = 5.0,
        fmt: FormatParam = Format.JSON,
    ) -> list[Row] | Response[bytes]:
        """Tasks, earliest deadline first: by default those still to do (open or accepted).
        `overdue` keeps those past their deadline now; each shows how far up its
        escalation chain it has gone."""
        with read_model(runtime, tasks.NAME, wait_for_position, wait_timeout) as (tx, table):
            found = tasks.tasks(
                tx, table, status=status, role=role, assignee=assignee,
                order_id=str(order_id) if order_id else None,
                overdue_at=utc_text(runtime.clock()) if overdue else None,
                limit=limit, offset=offset,
            )  # fmt: skip
        return exported(found, fmt, "tasks")

    @get("/{task_id:uuid}", sync_to_thread=True)
    def read_task(
        self,
        runtime: RuntimeDep,
        task_id: TaskId,
        wait_for_position: WaitFor = None,
        wait_timeout: WaitTimeout = 5.0,
    ) -> Row:
        """One task."""
        with read_model(runtime, tasks.NAME, wait_for_position, wait_timeout) as (tx, table):
            found = tasks.task(tx, table, str(task_id))
        if found is None:
            raise NotFoundException(f"no task {task_id}")
        return found

    @post("/{task_id:uuid}/accept", sync_to_thread=True, status_code=200)
    def accept(
        self, request: Req, task_id: TaskId, data: JSONBody[AcceptIn], runtime: RuntimeDep
    ) -> Accepted:
        """The assignee takes the task on."""
        command = AcceptTask(by=data.by, at=data.at)
        return run_command(runtime, TASK, task_id, command, command_meta(request,
                           data.expected_version))  # fmt: skip

    @post("/{task_id:uuid}/complete", sync_to_thread=True, status_code=200)
    def complete(
        self, request: Req, task_id: TaskId, data: JSONBody[CompleteIn], runtime: RuntimeDep
    ) -> Accepted:
        """The task is done: it no longer escalates."""
        command = CompleteTask(completed_by=data.by, completed_at=data.at, note=data.note)
        return run_command(runtime, TASK, task_id, command, command_meta(request,
                           data.expected_version))  # fmt: skip

    @post("/{task_id:uuid}/reassign", sync_to_thread=True, status_code=200)
    def reassign(
        self, request: Req, task_id: TaskId, data: JSONBody[ReassignIn], runtime: RuntimeDep
    ) -> Accepted:
        """Give the task to another role or person, with the reason; they are told."""
        command = ReassignTask(role=data.role, assignee=data.assignee, reason=data.reason,
                               by=data.by, at=data.at)  # fmt: skip
        return run_command(runtime, TASK, task_id, command, command_meta(request,
                           data.expected_version))  # fmt: skip
