"""What the demo company sells and to whom: customers, sales team, catalogue, baskets.

A machinery maker in the Yangtze delta (conveyor lines, servo systems, PLC
cabinets, sheet metal) that also sells MES software and SaaS.
Every customer name carries 某 so that none can be mistaken for a real company.
Prices are list prices in CNY; export orders are quoted in USD or EUR.
"""

from __future__ import annotations

import random
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta, timezone
from decimal import Decimal

from domain.order.events import Channel, LineKind, OrderLine
from domain.shared import Money

CST = timezone(timedelta(hours=8), "CST")
HISTORY_DAYS = 270

# Exchange rates used to quote export prices (CNY per unit), with a 12% export mark-up.
_FX = {"USD": Decimal("7.10"), "EUR": Decimal("7.80")}
_EXPORT_MARKUP = Decimal("1.12")


@dataclass(frozen=True)
class Customer:
    code: str
    name: str
    region: str
    channel: Channel
    currency: str = "CNY"


_E, _A, _O, _D, _P = (
    Channel.ECOMMERCE, Channel.AGENT, Channel.OVERSEAS, Channel.DIRECT, Channel.PARTNER_PORTAL,
)  # fmt: skip

CUSTOMERS: tuple[Customer, ...] = (
    Customer("C-GD-001", "东莞某五金模具厂", "广东", _E),
    Customer("C-ZJ-002", "温州某包装机械维修部", "浙江", _E),
    Customer("C-GD-003", "佛山某陶瓷机械配件商行", "广东", _E),
    Customer("C-SD-004", "临沂某物流分拣设备厂", "山东", _E),
    Customer("C-JS-005", "昆山某精密治具工作室", "江苏", _E),
    Customer("C-SC-006", "成都某食品机械服务部", "四川", _E),
    Customer("C-ZJ-007", "宁波某注塑机配套厂", "浙江", _E),
    Customer("C-HB-008", "襄阳某汽配维修中心", "湖北", _E),
    Customer("C-BJ-009", "北京某实验室设备公司", "北京", _E),
    Customer("A-SC-010", "成都某机电设备代理公司", "四川", _A),
    Customer("A-HB-011", "武汉某工控自动化经销公司", "湖北", _A),
    Customer("A-SD-012", "济南某传动设备贸易公司", "山东", _A),
    Customer("A-GD-013", "广州某自动化设备代理公司", "广东", _A),
    Customer("A-JS-014", "南京某工业自动化销售公司", "江苏", _A),
    Customer("A-ZJ-015", "杭州某传动控制技术公司", "浙江", _A),
    Customer("A-SD-016", "青岛某机电工程公司", "山东", _A),
    Customer("A-BJ-017", "北京某工业装备代理公司", "北京", _A),
    Customer("O-VN-018", "越南胡志明市某食品包装厂", "东南亚", _O, "USD"),
    Customer("O-TH-019", "泰国罗勇某汽车零部件厂", "东南亚", _O, "USD"),
    Customer("O-MY-020", "马来西亚槟城某电子组装厂", "东南亚", _O, "USD"),
    Customer("O-DE-021", "德国斯图加特某设备集成商", "欧洲", _O, "EUR"),
    Customer("O-PL-022", "波兰某电商物流中心", "欧洲", _O, "EUR"),
    Customer("O-US-023", "美国俄亥俄某仓储自动化公司", "北美", _O, "USD"),
    Customer("O-MX-024", "墨西哥蒙特雷某汽车配件厂", "北美", _O, "USD"),
    Customer("D-SH-025", "上海某汽车零部件公司", "上海", _D),
    Customer("D-JS-026", "苏州某锂电池设备公司", "江苏", _D),
    Customer("D-ZJ-027", "嘉兴某纺织印染公司", "浙江", _D),
    Customer("D-JS-028", "无锡某半导体封测公司", "江苏", _D),
    Customer("D-HB-029", "武汉某光电产业园运营公司", "湖北", _D),
    Customer("D-GD-030", "深圳某消费电子代工厂", "广东", _D),
    Customer("D-SD-031", "青岛某家电制造公司", "山东", _D),
    Customer("D-SH-032", "上海某医药物流公司", "上海", _D),
    Customer("D-SC-033", "成都某白酒灌装厂", "四川", _D),
    Customer("D-BJ-034", "北京某新能源汽车公司", "北京", _D),
    Customer("P-ZJ-035", "杭州某智能制造系统集成商", "浙江", _P),
    Customer("P-JS-036", "苏州某工业软件服务商", "江苏", _P),
    Customer("P-GD-037", "广州某数字化工厂咨询公司", "广东", _P),
    Customer("P-SH-038", "上海某MES实施伙伴公司", "上海", _P),
    Customer("P-HB-039", "武汉某智能仓储集成商", "湖北", _P),
    Customer("P-SD-040", "济南某工业互联网服务商", "山东", _P),
)

# Who sells where; web-shop orders belong to the e-commerce desk.
SALESPEOPLE_BY_REGION = {
    "上海": "李明轩", "江苏": "郑凯", "浙江": "王晓燕", "广东": "陈志强",
    "北京": "刘洋", "山东": "刘洋", "四川": "赵静怡", "湖北": "赵静怡",
    "东南亚": "孙浩然", "欧洲": "周婷", "北美": "周婷",
}  # fmt: skip
ECOMMERCE_DESK = "吴俊杰"
# Who holds the positions that approve (published as the rulebook's positions list).
APPROVERS = {"sales_director": ("huang.zhenhua", "黄振华"), "vp": ("lin.guodong", "林国栋")}

CHANNEL_WEIGHTS = {_E: 30, _A: 20, _O: 14, _D: 24, _P: 12}
TYPE_WEIGHTS: dict[Channel, dict[str, int]] = {
    _E: {"standard_parts": 92, "software": 8},
    _A: {"standard_parts": 60, "equipment": 35, "software": 5},
    _O: {"standard_parts": 45, "equipment": 55},
    _D: {"equipment": 55, "software": 25, "standard_parts": 20},
    _P: {"software": 65, "equipment": 15, "standard_parts": 20},
}


@dataclass(frozen=True)
class Product:
    code: str
    name: str
    product_line: str
    kind: LineKind
    list_price: Decimal  # CNY per unit; for term-based lines, per unit per month


def _p(code: str, name: str, line: str, kind: LineKind, price: str) -> Product:
    return Product(code, name, line, kind, Decimal(price))


_HW, _SP, _LIC = LineKind.HARDWARE, LineKind.SPARE_PART, LineKind.SOFTWARE_LICENCE
CONVEYORS = (  # priced per metre of line
    _p("CV-BL-800", "皮带输送线 带宽800mm", "输送线", _HW, "5800"),
    _p("CV-RL-600", "动力滚筒输送线 宽600mm", "输送线", _HW, "4600"),
    _p("CV-CP-1000", "链板输送线 宽1000mm", "输送线", _HW, "7200"),
)
EQUIPMENT_OPTIONS = (
    _p("SV-AS2-750W", "伺服系统套件 750W(驱动器+电机)", "伺服系统", _HW, "7800"),
    _p("SV-AS2-2KW", "伺服系统套件 2kW(驱动器+电机)", "伺服系统", _HW, "12600"),
    _p("PLC-CAB-1500", "PLC控制柜 S7-1500 含HMI", "PLC控制柜", _HW, "58000"),
    _p("PLC-CAB-MINI", "小型PLC控制柜", "PLC控制柜", _HW, "26000"),
    _p("SM-GUARD-SET", "钣金安全防护罩组件", "钣金件", _HW, "16500"),
    _p("SM-FRAME-2400", "钣金机架 2400mm", "钣金件", _HW, "9800"),
)
ROBOT_CELL = _p("RB-WS-SCARA", "SCARA机器人上下料工作站", "机器人工作站", _HW, "238000")
INSTALLATION = _p("SVC-INST-DAY", "现场安装调试(人天)", "技术服务", LineKind.IMPLEMENTATION, "1800")
TRAINING = _p("SVC-TRN-OPS", "设备操作与维护培训(场)", "技术服务", LineKind.TRAINING, "6000")
MAINTENANCE = _p("SVC-MNT-EQ", "设备维保服务", "技术服务", LineKind.MAINTENANCE, "0")
PARTS = (
    _p("SP-RLR-50-600", "不锈钢输送辊筒 Φ50×600", "输送线", _SP, "85"),  # noqa: RUF001
    _p("SP-BELT-PVC-800", "PVC输送带 800mm(米)", "输送线", _SP, "220"),
    _p("SP-KIT-CV", "输送线易损件包", "输送线", _SP, "1280"),
    _p("SP-MTR-GR-075", "减速电机 0.75kW", "传动件", _SP, "1450"),
    _p("SP-CHN-12A", "12A滚子链(米)", "传动件", _SP, "46"),
    _p("SP-BRG-UCP205", "UCP205立式轴承座", "传动件", _SP, "38"),
    _p("SP-SV-MTR-400W", "伺服电机 400W", "伺服系统", _SP, "2380"),
    _p("SP-SV-DRV-400W", "伺服驱动器 400W", "伺服系统", _SP, "2150"),
    _p("SP-PLC-CPU1214", "PLC CPU模块 1214C", "PLC控制柜", _SP, "3900"),
    _p("SP-SNS-PE-M18", "光电传感器 M18", "传感器", _SP, "168"),
    _p("SP-SM-BRKT-A", "钣金支架 A型", "钣金件", _SP, "65"),
    _p("SP-SM-COVER-600", "钣金护罩 600型", "钣金件", _SP, "320"),
)
MES_SITE = _p("SW-MES-SITE", "MES软件 工厂许可(永久)", "MES软件", _LIC, "168000")
MES_USER = _p("SW-MES-USER", "MES并发用户许可", "MES软件", _LIC, "2400")
MES_APS = _p("SW-MES-APS", "APS高级排程模块许可", "MES软件", _LIC, "68000")
SAAS_IOT = _p("SAAS-IOT-DEV", "设备物联SaaS平台订阅(台)", "SaaS平台", LineKind.SUBSCRIPTION, "30")
SAAS_OMS = _p("SAAS-OMS-SEAT", "订单协同SaaS订阅(席位)", "SaaS平台", LineKind.SUBSCRIPTION, "120")
IOT_GATEWAY = _p("HW-IOT-GW4G", "工业物联网关 4G", "SaaS平台", _HW, "1680")
MES_IMPL = _p("SVC-IMPL-MES", "MES实施服务(人天)", "技术服务", LineKind.IMPLEMENTATION, "2200")
MES_TRAINING = _p("SVC-TRN-MES", "MES关键用户培训(场)", "技术服务", LineKind.TRAINING, "5000")
MES_SUPPORT = _p("SVC-MNT-SW", "软件维保与升级服务", "技术服务", LineKind.MAINTENANCE, "0")


def price_in(cny: Decimal, currency: str) -> Decimal:
    if currency == "CNY":
        return cny.quantize(Decimal("0.01"))
    return (cny * _EXPORT_MARKUP / _FX[currency]).quantize(Decimal("0.01"))


class _Basket:
    """Builds the lines of one order, numbering them L01, L02..."""

    def __init__(self, rng: random.Random, currency: str, prefix: str = "L") -> None:
        self.rng = rng
        self.currency = currency
        self.prefix = prefix
        self.lines: list[OrderLine] = []

    def add(  # noqa: PLR0913 - a line has this many facts
        self,
        product: Product,
        quantity: int | Decimal,
        *,
        unit_cny: Decimal | None = None,
        discount_pct: float = 0.0,
        free: bool = False,
        term: tuple[date, int] | None = None,
        note: str = "",
    ) -> OrderLine:
        list_price = price_in(
            unit_cny if unit_cny is not None else product.list_price, self.currency
        )
        unit = Decimal("0.00") if free else list_price
        qty = Decimal(quantity)
        gross = (unit * qty).quantize(Decimal("0.01"))
        line = OrderLine(
            line_id=f"{self.prefix}{len(self.lines) + 1:02d}",
            product_code=product.code,
            kind=product.kind,
            quantity=qty,
            unit_price=Money(amount=unit, currency=self.currency),
            discount=Money(
                amount=(gross * Decimal(str(discount_pct))).quantize(Decimal("0.01")),
                currency=self.currency,
            ),
            standalone_selling_price=Money(amount=list_price, currency=self.currency),
            description=f"{product.name}{note}",
            product_line=product.product_line,
            term_start=term[0] if term else None,
            term_months=term[1] if term else None,
        )
        self.lines.append(line)
        return line

    def discount(self, low: float, high: float) -> float:
        return round(self.rng.uniform(low, high), 3) if self.rng.random() < 0.75 else 0.0


def first_of_month_after(day: date) -> date:
    return (day.replace(day=1) + timedelta(days=32)).replace(day=1)


def equipment_lines(rng: random.Random, currency: str, promised: date) -> tuple[OrderLine, ...]:
    b = _Basket(rng, currency)
    hardware_cny = Decimal(0)
    for conveyor in rng.sample(CONVEYORS, rng.choice((1, 1, 1, 2))):
        metres = rng.randrange(6, 32, 2)
        unit = conveyor.list_price * metres
        b.add(conveyor, 1, unit_cny=unit, discount_pct=b.discount(0.02, 0.1), note=f" {metres}米")
        hardware_cny += unit
    if rng.random() < 0.12:
        cells = rng.choice((1, 1, 2))
        b.add(ROBOT_CELL, cells, discount_pct=b.discount(0.0, 0.06))
        hardware_cny += ROBOT_CELL.list_price * cells
    for option in rng.sample(EQUIPMENT_OPTIONS, rng.randint(2, 3)):
        qty = rng.randint(2, 8) if option.product_line == "伺服系统" else rng.randint(1, 2)
        b.add(option, qty, discount_pct=b.discount(0.0, 0.08))
        hardware_cny += option.list_price * qty
    b.add(INSTALLATION, rng.randrange(8, 41, 2), discount_pct=b.discount(0.0, 0.05))
    free_training = rng.random() < 0.4
    b.add(TRAINING, rng.randint(1, 3), free=free_training, note="(赠送)" if free_training else "")
    if rng.random() < 0.8:
        months = rng.choice((12, 12, 24, 36))
        fee = (hardware_cny * Decimal("0.06") * months / 12).quantize(Decimal(100))
        b.add(MAINTENANCE, 1, unit_cny=fee, term=(promised + timedelta(days=15), months),
              note=f" {months}个月")  # fmt: skip
    return tuple(b.lines)


def parts_lines(rng: random.Random, currency: str, channel: Channel) -> tuple[OrderLine, ...]:
    b = _Basket(rng, currency)
    bulk = {Channel.AGENT: 6, Channel.OVERSEAS: 4}.get(channel, 1)
    if channel == Channel.AGENT and rng.random() < 0.12:
        bulk = 15  # a distributor stocking up for the season
    for product in rng.sample(PARTS, rng.randint(1, 5)):
        base = 40 if product.list_price < 300 else 4
        qty = max(1, int(rng.randint(1, base) * bulk * rng.uniform(0.6, 1.4)))
        pct = b.discount(0.0, 0.05) if channel == Channel.ECOMMERCE else b.discount(0.03, 0.15)
        b.add(product, qty, discount_pct=pct)
    return tuple(b.lines)


def software_lines(rng: random.Random, currency: str, placed: date) -> tuple[OrderLine, ...]:
    b = _Basket(rng, currency)
    start = first_of_month_after(placed + timedelta(days=20))
    months = rng.choice((12, 12, 24, 36))
    if rng.random() < 0.45:  # SaaS only: no licence, no big implementation
        seats = rng.randint(5, 40)
        b.add(SAAS_OMS, seats, unit_cny=SAAS_OMS.list_price * months, term=(start, months),
              discount_pct=b.discount(0.0, 0.1), note=f" {months}个月")  # fmt: skip
        if rng.random() < 0.5:
            b.add(MES_TRAINING, 1, free=rng.random() < 0.5)
        return tuple(b.lines)
    b.add(MES_SITE, 1, discount_pct=b.discount(0.05, 0.15))
    licence_cny = MES_SITE.list_price
    b.add(MES_USER, rng.randrange(10, 61, 5), discount_pct=b.discount(0.0, 0.1))
    if rng.random() < 0.2:
        b.add(MES_APS, 1, discount_pct=b.discount(0.0, 0.1))
        licence_cny += MES_APS.list_price
    if rng.random() < 0.6:
        devices = rng.randrange(20, 121, 10)
        b.add(SAAS_IOT, devices, unit_cny=SAAS_IOT.list_price * months, term=(start, months),
              discount_pct=b.discount(0.0, 0.1), note=f" {months}个月")  # fmt: skip
        b.add(IOT_GATEWAY, max(2, devices // 8), discount_pct=b.discount(0.0, 0.05))
    b.add(MES_IMPL, rng.randrange(15, 61, 5), discount_pct=b.discount(0.0, 0.05))
    b.add(MES_TRAINING, rng.randint(1, 3))
    support_months = rng.choice((12, 24, 36))
    fee = (licence_cny * Decimal("0.18") * support_months / 12).quantize(Decimal(100))
    b.add(MES_SUPPORT, 1, unit_cny=fee, term=(start + timedelta(days=60), support_months),
          note=f" {support_months}个月")  # fmt: skip
    return tuple(b.lines)


def added_lines(
    rng: random.Random, order_type: str, lines: tuple[OrderLine, ...], revision: int
) -> tuple[str, tuple[OrderLine, ...]]:
    """Why a customer changes the order, and the lines the change adds to `lines`."""
    currency = lines[0].unit_price.currency
    b = _Basket(rng, currency, prefix=f"R{revision}-")
    if order_type == "equipment":
        b.add(EQUIPMENT_OPTIONS[0], rng.randint(2, 6), discount_pct=b.discount(0.0, 0.05))
        b.add(EQUIPMENT_OPTIONS[4], 1)
        return "客户追加工位:增加伺服轴及安全防护罩,设计同步修改", tuple(b.lines)
    seats = next((x for x in lines if x.product_code == SAAS_OMS.code), None)
    if order_type == "software" and seats and seats.term_start and seats.term_months:
        term = (seats.term_start, seats.term_months)
        unit = SAAS_OMS.list_price * seats.term_months
        b.add(SAAS_OMS, rng.randint(3, 12), unit_cny=unit, term=term, note=" 增购席位")
        return "客户扩大使用范围,增购订单协同席位(与原订阅同期)", tuple(b.lines)
    if order_type == "software":
        b.add(MES_USER, rng.randrange(5, 31, 5), discount_pct=b.discount(0.0, 0.1))
        return "客户新增车间上线,追加MES用户许可", tuple(b.lines)
    b.add(PARTS[2], rng.randint(2, 10))
    return "客户追加随机易损件包", tuple(b.lines)


def consignments(rng: random.Random, outstanding: dict[str, Decimal]) -> list[dict[str, Decimal]]:
    """Split what is left to ship into up to three consignments; big lines may be split."""
    batches: list[dict[str, Decimal]] = [{} for _ in range(rng.choice((1, 1, 2, 3)))]
    for line_id, qty in outstanding.items():
        if qty >= 2 and len(batches) > 1 and rng.random() < 0.5:
            first = min(
                qty - 1,
                max(Decimal(1), (qty * Decimal(rng.randint(3, 7)) / 10).to_integral_value()),
            )
            batches[0][line_id] = first
            batches[rng.randrange(1, len(batches))][line_id] = qty - first
        else:
            batches[rng.randrange(len(batches))][line_id] = qty
    return [batch for batch in batches if batch]


def draw_days_back(rng: random.Random) -> int:
    """How long before today order n was placed: the first draw of its generator."""
    return 1 + int((HISTORY_DAYS - 1) * rng.random() ** 1.2)  # the business grows


@dataclass(frozen=True)
class OrderPlan:
    """The order as the customer first sends it, before anything happens to it."""

    n: int
    days_back: int
    channel: Channel
    order_type: str
    customer: Customer
    salesperson: str
    external_ref: str
    placed_at: datetime
    promised_delivery: date
    lines: tuple[OrderLine, ...]


def _pick(rng: random.Random, weights: dict[str, int]) -> str:
    return rng.choices(list(weights), weights=list(weights.values()))[0]


def plan_order(rng: random.Random, n: int, today: date) -> OrderPlan:
    """Order n of the demo set. `days_back` is drawn first: load_demo relies on that."""
    days_back = draw_days_back(rng)
    channel = Channel(_pick(rng, {c.value: w for c, w in CHANNEL_WEIGHTS.items()}))
    customer = rng.choice([c for c in CUSTOMERS if c.channel == channel])
    order_type = _pick(rng, TYPE_WEIGHTS[channel])
    day = today - timedelta(days=days_back)
    if channel == Channel.ECOMMERCE:  # web shops take orders day and night
        clock = time(rng.choice((9, 10, 11, 14, 15, 16, 20, 21, 22, 23)), rng.randrange(60))
    else:
        clock = time(rng.randint(8, 17), rng.randrange(60))
    placed_at = datetime.combine(day, clock, CST)
    lead = {"equipment": (45, 60), "standard_parts": (5, 20), "software": (30, 60)}[order_type]
    if channel == Channel.ECOMMERCE:
        lead = (3, 30) if order_type == "software" else (3, 10)
    promised = day + timedelta(days=rng.randint(*lead) + (14 if channel == _O else 0))
    if order_type == "equipment":
        lines = equipment_lines(rng, customer.currency, promised)
    elif order_type == "software":
        lines = software_lines(rng, customer.currency, day)
    else:
        lines = parts_lines(rng, customer.currency, channel)
    serial = f"{rng.randrange(10**4):04d}{n:04d}"
    ref = {
        _E: f"TB{day:%y%m%d}{rng.randrange(10**6):06d}{serial}",
        _A: f"DL-{customer.code[-3:]}-{day:%y%m}-{serial}",
        _O: f"PO-{customer.code[2:4]}-{day:%Y}-{serial}",
        _D: f"SO{day:%Y%m%d}-{serial}",
        _P: f"PP-{day:%y%m%d}-{serial}",
    }[channel]
    salesperson = ECOMMERCE_DESK if channel == _E else SALESPEOPLE_BY_REGION[customer.region]
    return OrderPlan(n, days_back, channel, order_type, customer, salesperson, ref,
                     placed_at, promised, lines)  # fmt: skip
