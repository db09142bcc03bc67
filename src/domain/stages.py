"""The stages an order passes, design to acceptance, with their Chinese labels
(docs/operators.md walks through them)."""

from __future__ import annotations

from enum import StrEnum


class Stage(StrEnum):
    PENDING_CONFIRMATION = "pending_confirmation"
    SIGNED = "signed"
    DESIGNING = "designing"
    MATERIAL_PREP = "material_prep"
    IN_PRODUCTION = "in_production"
    TESTING = "testing"
    AWAITING_SHIPMENT = "awaiting_shipment"
    COMPLETED = "completed"
    PROVISIONING = "provisioning"
    LIVE = "live"


STAGE_LABELS: dict[Stage, str] = {
    Stage.PENDING_CONFIRMATION: "待确认",
    Stage.SIGNED: "已签约",
    Stage.DESIGNING: "设计中",
    Stage.MATERIAL_PREP: "备料中",
    Stage.IN_PRODUCTION: "生产中",
    Stage.TESTING: "测试中",
    Stage.AWAITING_SHIPMENT: "待发货",
    Stage.COMPLETED: "已完成",
    Stage.PROVISIONING: "开通中",
    Stage.LIVE: "已上线",
}
