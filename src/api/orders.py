"""Order routes: one POST per intention, GET for the order and the order list.

Headers on every command: `Idempotency-Key` (the command id; a retry with the
same key is applied once and answered with the first result),
`X-Correlation-Id` and `X-Causation-Id`; the actor is the bearer token's user.
A body's `expected_version` makes the write conditional (409 with the current
version if stale).
"""

from __future__ import annotations

from typing import Annotated, Any
from uuid import UUID

import anyio.to_thread
import msgspec
from litestar import Controller, Request, Response, get, post, put
from litestar.exceptions import NotFoundException
from litestar.params import FromPath, FromQuery, JSONBody, Parameter

from api import order_dto as dto
from api import printing
from api.approvals import approval, rejection
from api.commanding import acting_user, command_meta, run_command, run_command_async
from api.contacts import opened_contact, viewer_role
from api.exports import Format, FormatParam, exported, listed
from api.order_dto import OrderId
from api.reading import Offset, WaitFor, WaitTimeout, kept_answer, waited
from api.runtime import Runtime, RuntimeDep
from application.capture import capture_rules, check_change, check_contract, usage_priced
from application.intake import PlaceOrderIn
from application.service import CommandMeta
from domain.deciders import ORDER, RECEIVABLE, RULEBOOK
from domain.order import OrderState, order_id_for
from domain.order import commands as cmd
from domain.order.events import ShipmentRecorded
from domain.order.rules import OrderNotFound
from domain.print_templates import PrintKind
from domain.receivable.commands import receivable_id_for
from domain.rulebook import RULEBOOK_ID
from projections import order_list

Req = Request[Any, Any, Any]
SUMMARY = dto.OrderSummary.__struct_fields__  # the order list's columns a page shows


def _existing(runtime: Runtime, order_id: UUID) -> OrderState:
    state = runtime.service.load(ORDER, order_id)
    if not state.exists:
        raise NotFoundException(f"no order {order_id}")
    return state


async def _accepted(
    runtime: Runtime, order_id: UUID, command: Any, meta: CommandMeta
) -> dto.Accepted:
    return await run_command_async(runtime, ORDER, order_id, command, meta)


class OrderController(Controller):
    path = "/orders"
    tags = ["orders"]  # noqa: RUF012

    @post("/", sync_to_thread=True, status_code=201)
    def place_order(
        self, request: Req, data: JSONBody[PlaceOrderIn], runtime: RuntimeDep
    ) -> dto.Accepted:
        """Capture an order from any channel; a channel reference seen before is a 409.
        A `billing_plan` must name a published milestone template (else 422)."""
        rules = capture_rules(runtime.service, data.order_type, data.customer_id)
        order_id = order_id_for(data.channel, data.external_ref)
        contact = runtime.keyring.seal(data.customer_id, data.contact) if data.contact else None
        command = data.to_command(rules, contact)
        check_contract(runtime.service, command)
        return run_command(runtime, ORDER, order_id, command, command_meta(request, None))

    @post("/{order_id:uuid}/usage", sync_to_thread=True, status_code=200)
    def record_usage(
        self, request: Req, order_id: OrderId, data: JSONBody[dto.UsageIn], runtime: RuntimeDep
    ) -> dto.Accepted:
        """Report a period's usage of a usage-based line; it is charged by the tier table
        the order pinned, above the line's committed quantity."""
        state = _existing(runtime, order_id)
        charge, revision = usage_priced(runtime.service, state, data.line_id, data.quantity)
        command = cmd.RecordUsage(
            line_id=data.line_id, period=data.period, quantity=data.quantity, charge=charge,
            pricing_revision=revision, reported_at=data.reported_at,
        )  # fmt: skip
        return run_command(
            runtime, ORDER, order_id, command, command_meta(request, data.expected_version)
        )

    @put("/{order_id:uuid}/contact", sync_to_thread=True, status_code=200)
    def change_contact(
        self, request: Req, order_id: OrderId, data: JSONBody[dto.ContactIn], runtime: RuntimeDep
    ) -> dto.Accepted:
        """Replace the customer's contact person for this order (stored sealed)."""
        state = _existing(runtime, order_id)
        sealed = runtime.keyring.seal(state.customer_id, data.contact)
        command = cmd.ChangeContact(contact=sealed, at=data.at)
        return run_command(
            runtime, ORDER, order_id, command, command_meta(request, data.expected_version)
        )

    @post("/{order_id:uuid}/approve", status_code=200)
    async def approve(
        self, request: Req, order_id: OrderId, data: JSONBody[dto.ApproveIn], runtime: RuntimeDep
    ) -> dto.Accepted:
        """Approve, as the token's user, in the position the order waits for next (`role`
        names it, or is that one by default): refused unless the user holds it for the
        order's region and product lines, sells no part of the order and has not
        approved it already."""
        command = await anyio.to_thread.run_sync(approval, request, runtime, order_id, data)
        return await _accepted(
            runtime, order_id, command, command_meta(request, data.expected_version)
        )

    @post("/{order_id:uuid}/reject", status_code=200)
    async def reject(
        self, request: Req, order_id: OrderId, data: JSONBody[dto.RejectIn], runtime: RuntimeDep
    ) -> dto.Accepted:
        """Reject with a reason, as the holder of the awaited position (as for approving);
        the order returns to its owner for a change or cancellation."""
        command = await anyio.to_thread.run_sync(rejection, request, runtime, order_id, data)
        return await _accepted(
            runtime, order_id, command, command_meta(request, data.expected_version)
        )

    @post("/{order_id:uuid}/sign", status_code=200)
    async def sign(
        self, request: Req, order_id: OrderId, data: JSONBody[dto.SignIn], runtime: RuntimeDep
    ) -> dto.Accepted:
        """Sign the contract (only once every required approval is in)."""
        command = cmd.SignOrder(contract_number=data.contract_number, signed_at=data.signed_at)
        return await _accepted(
            runtime, order_id, command, command_meta(request, data.expected_version)
        )

    @post("/{order_id:uuid}/advance", status_code=200)
    async def advance(
        self, request: Req, order_id: OrderId, data: JSONBody[dto.AdvanceIn], runtime: RuntimeDep
    ) -> dto.Accepted:
        """Move to the next stage of the order's route; stages are never skipped."""
        command = cmd.AdvanceStage(to_stage=data.to_stage, at=data.at)
        return await _accepted(
            runtime, order_id, command, command_meta(request, data.expected_version)
        )

    @post("/{order_id:uuid}/hold", status_code=200)
    async def hold(
        self, request: Req, order_id: OrderId, data: JSONBody[dto.HoldIn], runtime: RuntimeDep
    ) -> dto.Accepted:
        """Put the order on hold; nothing advances or ships until it resumes."""
        command = cmd.HoldOrder(reason=data.reason, at=data.at)
        return await _accepted(
            runtime, order_id, command, command_meta(request, data.expected_version)
        )

    @post("/{order_id:uuid}/resume", status_code=200)
    async def resume(
        self, request: Req, order_id: OrderId, data: JSONBody[dto.ResumeIn], runtime: RuntimeDep
    ) -> dto.Accepted:
        """Resume an order on hold."""
        command = cmd.ResumeOrder(at=data.at)
        return await _accepted(
            runtime, order_id, command, command_meta(request, data.expected_version)
        )

    @post("/{order_id:uuid}/cancel", status_code=200)
    async def cancel(
        self, request: Req, order_id: OrderId, data: JSONBody[dto.CancelIn], runtime: RuntimeDep
    ) -> dto.Accepted:
        """Cancel with a reason; a cancelled order accepts no further stage change."""
        command = cmd.CancelOrder(reason=data.reason, at=data.at)
        return await _accepted(
            runtime, order_id, command, command_meta(request, data.expected_version)
        )

    @post("/{order_id:uuid}/shipments", status_code=200)
    async def ship(
        self, request: Req, order_id: OrderId, data: JSONBody[dto.ShipmentIn], runtime: RuntimeDep
    ) -> dto.Accepted:
        """Record a (partial) shipment of goods lines."""
        return await _accepted(
            runtime, order_id, data.to_command(), command_meta(request, data.expected_version)
        )

    @post("/{order_id:uuid}/acceptance", status_code=200)
    async def accept(
        self, request: Req, order_id: OrderId, data: JSONBody[dto.AcceptanceIn], runtime: RuntimeDep
    ) -> dto.Accepted:
        """Record the customer's acceptance of what was delivered."""
        command = cmd.RecordAcceptance(
            accepted_by=data.accepted_by, accepted_at=data.accepted_at, note=data.note
        )
        return await _accepted(
            runtime, order_id, command, command_meta(request, data.expected_version)
        )

    @post("/{order_id:uuid}/expected-completion", status_code=200)
    async def expect(
        self,
        request: Req,
        order_id: OrderId,
        data: JSONBody[dto.ExpectedCompletionIn],
        runtime: RuntimeDep,
    ) -> dto.Accepted:
        """Enter the date the order will be completed, with the reason: it takes precedence
        over the plan in the order's prediction, which names who entered it and why."""
        command = cmd.UpdateExpectedCompletion(
            expected_completion=data.expected_completion, reason=data.reason,
            entered_by=acting_user(request),
        )  # fmt: skip
        return await _accepted(
            runtime, order_id, command, command_meta(request, data.expected_version)
        )

    @post("/{order_id:uuid}/cost-estimate", status_code=200)
    async def estimate(
        self,
        request: Req,
        order_id: OrderId,
        data: JSONBody[dto.CostEstimateIn],
        runtime: RuntimeDep,
    ) -> dto.Accepted:
        """Set the estimated cost (for margin and cost-overrun figures)."""
        command = cmd.EstimateCost(estimated_cost=data.estimated_cost.to_money(), note=data.note)
        return await _accepted(
            runtime, order_id, command, command_meta(request, data.expected_version)
        )

    @post("/{order_id:uuid}/actual-costs", status_code=200)
    async def cost(
        self, request: Req, order_id: OrderId, data: JSONBody[dto.ActualCostIn], runtime: RuntimeDep
    ) -> dto.Accepted:
        """Record an actual cost entry (a negative amount corrects an earlier entry)."""
        command = cmd.RecordActualCost(
            amount=data.amount.to_money(),
            category=data.category,
            incurred_at=data.incurred_at,
            note=data.note,
        )
        return await _accepted(
            runtime, order_id, command, command_meta(request, data.expected_version)
        )

    @post("/{order_id:uuid}/feedback", status_code=200)
    async def feedback(
        self, request: Req, order_id: OrderId, data: JSONBody[dto.FeedbackIn], runtime: RuntimeDep
    ) -> dto.Accepted:
        """Record customer feedback (rating 1-5)."""
        command = cmd.RecordFeedback(rating=data.rating, comment=data.comment, at=data.at)
        return await _accepted(
            runtime, order_id, command, command_meta(request, data.expected_version)
        )

    @post("/{order_id:uuid}/complaints", status_code=200)
    async def complain(
        self, request: Req, order_id: OrderId, data: JSONBody[dto.ComplaintIn], runtime: RuntimeDep
    ) -> dto.Accepted:
        """File a formal customer complaint."""
        command = cmd.FileComplaint(description=data.description, at=data.at)
        return await _accepted(
            runtime, order_id, command, command_meta(request, data.expected_version)
        )

    @post("/{order_id:uuid}/quality-incidents", status_code=200)
    async def incident(
        self, request: Req, order_id: OrderId, data: JSONBody[dto.IncidentIn], runtime: RuntimeDep
    ) -> dto.Accepted:
        """Report a quality incident."""
        command = cmd.ReportQualityIncident(
            severity=data.severity, description=data.description, at=data.at
        )
        return await _accepted(
            runtime, order_id, command, command_meta(request, data.expected_version)
        )

    @post("/{order_id:uuid}/changes", sync_to_thread=True, status_code=200)
    def change(
        self, request: Req, order_id: OrderId, data: JSONBody[dto.ChangeIn], runtime: RuntimeDep
    ) -> dto.Accepted:
        """Apply a change order (lines added, removed, repriced) as the next numbered revision."""
        state = runtime.service.load(ORDER, order_id)
        if not state.exists:
            raise OrderNotFound("no such order", order_id=str(order_id))
        rulebook = runtime.service.load(RULEBOOK, RULEBOOK_ID)
        assert rulebook.approval is not None
        command = data.to_command(state.currency, rulebook.approval, rulebook.workflow)
        check_change(runtime.service, state, command)
        return run_command(
            runtime, ORDER, order_id, command, command_meta(request, data.expected_version)
        )

    @get("/{order_id:uuid}/contract.pdf", sync_to_thread=True, media_type="application/pdf")
    def contract_pdf(self, order_id: OrderId, runtime: RuntimeDep) -> Response[bytes]:
        """The sales contract (销售合同), printed from the order and its payment milestones."""
        state = _existing(runtime, order_id)
        receivable = runtime.service.load(RECEIVABLE, receivable_id_for(order_id))
        document = printing.sales_contract(state, receivable, company=runtime.settings.company_name,
                                           today=runtime.clock().date())  # fmt: skip
        name = f"contract-{state.contract_number or state.external_ref}.pdf"
        return printing.printed(runtime, PrintKind.SALES_CONTRACT, document, name)

    @get("/{order_id:uuid}/shipments/{shipment_id:str}/delivery-note.pdf", sync_to_thread=True,
         media_type="application/pdf")  # fmt: skip
    def delivery_note_pdf(
        self, order_id: OrderId, shipment_id: FromPath[str], runtime: RuntimeDep
    ) -> Response[bytes]:
        """The delivery note (送货单) of one shipment: what left, for the customer to sign."""
        state = _existing(runtime, order_id)
        shipment = next((r.event for r in runtime.service.history(order_id)
                         if isinstance(r.event, ShipmentRecorded)
                         and r.event.shipment_id == shipment_id), None)  # fmt: skip
        if shipment is None:
            raise NotFoundException(f"order {order_id} has no shipment {shipment_id!r}")
        document = printing.delivery_note(state, shipment, company=runtime.settings.company_name,
                                          today=runtime.clock().date())  # fmt: skip
        return printing.printed(runtime, PrintKind.DELIVERY_NOTE, document,
                                f"delivery-note-{shipment_id}.pdf")  # fmt: skip

    @get("/{order_id:uuid}", sync_to_thread=True)
    def get_order(self, request: Req, order_id: OrderId, runtime: RuntimeDep) -> dto.OrderDetail:
        """The order's current state and version, straight from its event stream."""
        state = _existing(runtime, order_id)
        return dto.OrderDetail(
            order_id=order_id,
            version=state.version,
            total=state.total,
            pending_approvals=list(state.pending_approvals),
            closed=state.closed,
            contact=opened_contact(runtime, state.contact, viewer_role(request)),
            state={k: v for k, v in msgspec.to_builtins(state).items() if k != "contact"},
        )

    @get("/", responses=listed(dto.OrderPage))
    async def list_orders(  # noqa: PLR0913
        self,
        *,
        request: Req,
        runtime: RuntimeDep,
        stage: FromQuery[str | None] = None,
        status: FromQuery[str | None] = None,
        customer_id: FromQuery[str | None] = None,
        salesperson: FromQuery[str | None] = None,
        channel: FromQuery[str | None] = None,
        region: FromQuery[str | None] = None,
        order_type: FromQuery[str | None] = None,
        limit: Annotated[int, Parameter(ge=1, le=500)] = 50,
        offset: Offset = 0,
        wait_for_position: WaitFor = None,
        wait_timeout: WaitTimeout = 5.0,
        fmt: FormatParam = Format.JSON,
    ) -> dto.OrderPage | Response[bytes]:
        """The order list read model: filter by stage, status, customer, salesperson, channel..."""
        runner = runtime.projections[order_list.NAME]
        filters = {
            k: v
            for k, v in {
                "stage": stage,
                "status": status,
                "customer_id": customer_id,
                "salesperson": salesperson,
                "channel": channel,
                "region": region,
                "order_type": order_type,
            }.items()
            if v is not None
        }

        def page(position: int) -> dto.OrderPage:
            store, table = runtime.storage.read_store, runner.copy
            rows, count = order_list.query(
                store, filters, SUMMARY, limit=limit, offset=offset, table=table
            )
            return dto.OrderPage(
                items=[msgspec.convert(r, dto.OrderSummary) for r in rows],
                total=count,
                limit=limit,
                offset=offset,
                position=position,
            )

        if fmt is Format.JSON:
            return await kept_answer(
                runtime, request, order_list.NAME, page, wait_for_position, wait_timeout
            )

        def export() -> dto.OrderPage | Response[bytes]:
            live = waited(runtime, order_list.NAME, wait_for_position, wait_timeout)
            return exported(page(live.position()), fmt, "orders")

        return await anyio.to_thread.run_sync(export)
