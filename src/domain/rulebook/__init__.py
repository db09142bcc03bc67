"""The Rulebook aggregate: rules the business changes, kept as versioned events.

Approval thresholds, the stage route of each order type and the other rule sets
are data. Every publication is an event with a new version number; an order pins
the versions in force when it was captured, so a later rule change never rewrites
it.

`commands`, `events` and `state` hold the types; `decide` and `evolve` the logic;
`rules` the named checks; `approval`, `routes` and `health` the rule sets' value
types; `defaults` what a new installation starts with.
"""

from domain.decider import Decider
from domain.rulebook.approval import ApprovalRules, ApprovalStep
from domain.rulebook.commands import (
    RULEBOOK_ID,
    PublishApprovalRules,
    PublishExceptionRules,
    PublishHealthWeights,
    PublishKeyComponents,
    PublishPaymentTerms,
    PublishPositions,
    PublishPrintTemplate,
    PublishRoute,
    PublishStageDeadlines,
    PublishStageGates,
    PublishStagePlans,
    PublishStatusMessages,
    PublishTaskTemplates,
    PublishWorkflowRules,
    RulebookCommand,
)
from domain.rulebook.decide import decide
from domain.rulebook.defaults import (
    DEFAULT_APPROVAL_STEPS,
    DEFAULT_ROUTES,
    DEFAULT_STAGE_DAYS,
    DEFAULT_STAGE_GATES,
    default_publications,
    missing_publications,
)
from domain.rulebook.events import (
    ApprovalRulesPublished,
    ExceptionRulesPublished,
    HealthWeightsPublished,
    KeyComponentsPublished,
    PaymentTermsPublished,
    PositionsPublished,
    PrintTemplatePublished,
    RoutePublished,
    RulebookEvent,
    StageDeadlinesPublished,
    StageGatesPublished,
    StagePlansPublished,
    StatusMessagesPublished,
    TaskTemplatesPublished,
    WorkflowRulesPublished,
)
from domain.rulebook.health import HealthRules, HealthWeights
from domain.rulebook.plans import (
    DEFAULT_STAGE_PLANS,
    Operation,
    StagePlan,
    StagePlans,
    fallback_plan,
)
from domain.rulebook.positions import Authority, PositionHolder, Positions
from domain.rulebook.routes import NonEmpty, Route, StageDeadlines, StageGate, StageGates
from domain.rulebook.rules import InvalidRule
from domain.rulebook.state import INITIAL, RulebookState, evolve
from domain.rulebook.status_messages import (
    DEFAULT_STATUS_MESSAGES,
    InvalidTemplate,
    StatusMessages,
    StatusTemplate,
)
from domain.rulebook.workflow import (
    DEFAULT_WORKFLOW_RULES,
    InvalidWorkflowRule,
    OrderFacts,
    Triggered,
    WorkflowRule,
    WorkflowRules,
)

__all__ = [
    "DECIDER",
    "DEFAULT_APPROVAL_STEPS",
    "DEFAULT_ROUTES",
    "DEFAULT_STAGE_DAYS",
    "DEFAULT_STAGE_GATES",
    "DEFAULT_STAGE_PLANS",
    "DEFAULT_STATUS_MESSAGES",
    "DEFAULT_WORKFLOW_RULES",
    "INITIAL",
    "RULEBOOK_ID",
    "ApprovalRules",
    "ApprovalRulesPublished",
    "ApprovalStep",
    "Authority",
    "ExceptionRulesPublished",
    "HealthRules",
    "HealthWeights",
    "HealthWeightsPublished",
    "InvalidRule",
    "InvalidTemplate",
    "InvalidWorkflowRule",
    "KeyComponentsPublished",
    "NonEmpty",
    "Operation",
    "OrderFacts",
    "PaymentTermsPublished",
    "PositionHolder",
    "Positions",
    "PositionsPublished",
    "PrintTemplatePublished",
    "PublishApprovalRules",
    "PublishExceptionRules",
    "PublishHealthWeights",
    "PublishKeyComponents",
    "PublishPaymentTerms",
    "PublishPositions",
    "PublishPrintTemplate",
    "PublishRoute",
    "PublishStageDeadlines",
    "PublishStageGates",
    "PublishStagePlans",
    "PublishStatusMessages",
    "PublishTaskTemplates",
    "PublishWorkflowRules",
    "Route",
    "RoutePublished",
    "RulebookCommand",
    "RulebookEvent",
    "RulebookState",
    "StageDeadlines",
    "StageDeadlinesPublished",
    "StageGate",
    "StageGates",
    "StageGatesPublished",
    "StagePlan",
    "StagePlans",
    "StagePlansPublished",
    "StatusMessages",
    "StatusMessagesPublished",
    "StatusTemplate",
    "TaskTemplatesPublished",
    "Triggered",
    "WorkflowRule",
    "WorkflowRules",
    "WorkflowRulesPublished",
    "decide",
    "default_publications",
    "evolve",
    "fallback_plan",
    "missing_publications",
]

DECIDER: Decider[RulebookCommand, RulebookState, RulebookEvent] = Decider(
    name="Rulebook",
    initial=INITIAL,
    decide=decide,
    evolve=evolve,
    events=RulebookEvent,
    commands=RulebookCommand,
)
