"""CustomerCredit: how reliably a customer pays, and the rating that follows from it.

On-time payments in a row earn priority scheduling on the next order; paying
late raises the prepayment on the next order. Each settled invoice is judged
once (on time, or how late), and a dunning list that names an invoice judges it
late then; each change of rating is an event that says why.
"""

from domain.customer_credit.commands import CreditCommand, JudgePayment, customer_credit_id
from domain.customer_credit.decide import decide
from domain.customer_credit.events import CreditEvent, CreditRatingChanged, PaymentJudged
from domain.customer_credit.state import INITIAL, CreditState, evolve
from domain.decider import Decider

__all__ = [
    "DECIDER",
    "INITIAL",
    "CreditCommand",
    "CreditEvent",
    "CreditRatingChanged",
    "CreditState",
    "JudgePayment",
    "PaymentJudged",
    "customer_credit_id",
    "decide",
    "evolve",
]

DECIDER: Decider[CreditCommand, CreditState, CreditEvent] = Decider(
    name="CustomerCredit",
    initial=INITIAL,
    decide=decide,
    evolve=evolve,
    events=CreditEvent,
    commands=CreditCommand,
)
