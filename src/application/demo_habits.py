"""How the demo company's days go: how long stages take, who does them, what they
cost, the stock it starts with, and what people say and write along the way."""

from __future__ import annotations

from domain.stages import Stage

# --- how long things take, who does them, what they cost ------------------------------

_S = Stage
# Nominal days in a stage (a conveyor line's plan: design 5, material 10, machining 15,
# assembly 10).
STAGE_DAYS: dict[str, dict[Stage, float]] = {
    "equipment": {_S.DESIGNING: 5, _S.MATERIAL_PREP: 10, _S.IN_PRODUCTION: 15, _S.TESTING: 10},
    "standard_parts": {_S.MATERIAL_PREP: 1.5, _S.IN_PRODUCTION: 3, _S.TESTING: 0.5},
}
# Where the money goes: (category, share of the estimate), booked as a stage ends.
STAGE_COSTS: dict[str, dict[Stage, tuple[str, float]]] = {
    "equipment": {
        _S.DESIGNING: ("设计", 0.04), _S.MATERIAL_PREP: ("原材料", 0.52),
        _S.IN_PRODUCTION: ("外协加工", 0.18), _S.TESTING: ("装配调试人工", 0.14),
        _S.AWAITING_SHIPMENT: ("物流及现场安装", 0.12),
    },
    "standard_parts": {
        _S.MATERIAL_PREP: ("原材料", 0.75), _S.IN_PRODUCTION: ("加工", 0.2),
        _S.AWAITING_SHIPMENT: ("物流", 0.05),
    },
    "software": {_S.PROVISIONING: ("实施人工及差旅", 1.0)},
}  # fmt: skip
COST_RATIO = {"equipment": (0.62, 0.74), "standard_parts": (0.55, 0.7), "software": (0.3, 0.45)}
STAGE_OWNERS = {
    _S.SIGNED: "sales", _S.DESIGNING: "engineering", _S.MATERIAL_PREP: "procurement",
    _S.IN_PRODUCTION: "production", _S.TESTING: "quality", _S.AWAITING_SHIPMENT: "warehouse",
    _S.COMPLETED: "project_manager", _S.PROVISIONING: "delivery", _S.LIVE: "delivery",
}  # fmt: skip

# --- what people say and write ------------------------------------------------------

REJECTIONS = (
    "折扣超出销售授权范围,请重新核价后提交",
    "预付款比例低于30%,不符合公司信用政策",
    "报价毛利低于产品线底线,请调整折扣",
)
REPRICE_REASON = "按审批意见下调折扣后重新报价"
CANCEL_UNSIGNED = (
    "客户预算冻结,项目暂缓,订单取消",
    "客户选择了其他供应商",
    "客户需求变更较大,重新询价后另行下单",
)
CANCEL_ONLINE = ("买家申请取消订单(未付款)", "买家拍错型号,申请取消")
CANCEL_AFTER_REJECTION = "报价未获内部审批,客户不接受重新报价,订单取消"
CANCEL_SIGNED = (
    "客户项目终止,已发生的设计费用按合同结算",
    "客户工厂搬迁计划取消,双方协商解除合同",
)
REMOVE_TRAINING = "客户自行组织操作培训,取消培训服务"
HOLDS = (
    "客户现场土建未完成,要求暂缓生产",
    "客户预付款未按期到账,暂停执行",
    "客户技术参数待确认,暂停等待书面回复",
)
DELAYS = (
    ("伺服电机供应商缺货,到货推迟", 6, 16),
    ("钣金外协厂产能不足,机加工延误", 4, 12),
    ("PLC控制柜元器件交期延长", 5, 14),
    ("客户现场接口资料延迟提供", 3, 9),
)
INCIDENTS = (
    ("minor", "装配调试中发现输送带跑偏,已现场调整", 1, 3),
    ("major", "伺服电机编码器故障,整批更换返工", 4, 9),
    ("major", "钣金件尺寸超差,返回外协厂重新加工", 5, 10),
    ("critical", "试运行中控制柜过热跳闸,停机排查电气设计", 8, 15),
)
COMPLAINT_LATE = "客户正式投诉:交期较合同约定延误超过一周,要求说明原因并给出补救方案"
COMPLAINT_QUALITY = "客户正式投诉:设备质量问题影响其生产计划,要求书面整改报告"
# Carrier and the prefix of its waybill (or bill of lading) numbers.
CARRIERS = {"德邦物流": "DPK", "顺丰速运": "SF", "安能物流": "AN", "中通快运": "ZTK"}
OVERSEAS_CARRIERS = {"中远海运": "COSU", "马士基": "MAEU", "DHL": "DHL"}
ACCEPTANCE_NOTES = ("验收合格,签署验收单", "现场验收通过,遗留两项小问题限期整改", "")
FEEDBACK = {
    5: ("交付准时,服务响应快", "运行稳定,非常满意", "沟通顺畅,交付质量高"),
    4: ("整体满意,文档资料可以更完善", "质量不错,交付稍慢"),
    3: ("能用,但现场调试时间偏长", "沟通还需加强"),
    2: ("交期延误影响了我方投产计划",),
    1: ("问题多次反馈未及时解决",),
}


# The key components' ledger at the start of the set (servo motors and PLC
# controllers are what orders wait for): part, name, on hand, safety level,
# alternatives. A purchase order of twice the safety level is on its way.
STOCK = (
    ("SERVO-750W", "伺服电机 750W", 40, 10, ("SERVO-2KW",)),
    ("SERVO-2KW", "伺服电机 2kW", 12, 4, ()),
    ("PLC-S7-1500", "PLC控制器 S7-1500", 6, 3, ()),
    ("PLC-S7-1200", "PLC控制器 S7-1200", 15, 5, ("PLC-S7-1500",)),
    ("ROBOT-SCARA", "SCARA机器人本体", 2, 1, ()),
)
