"""Who may do what: bearer tokens (JWT, HS256) and roles.

Every route but `/health`, `/metrics` and the OpenAPI pages needs a token whose
signature checks out with the installation's token key (`ORDERHUB_TOKEN_KEY`,
else a key file made once in the data directory) and whose `role` claim is one
of the roles below. Reads are open to every role, except the audit routes
(auditors and admins); each write belongs to the roles that own it (the table
`WRITES`); an admin may do everything; an auditor and a reader write nothing.
The token's subject is the acting user recorded on every event.
"""

from __future__ import annotations

import functools
import re
from datetime import UTC, datetime, timedelta
from enum import StrEnum
from typing import Any

import msgspec
from litestar.connection import ASGIConnection
from litestar.exceptions import NotAuthorizedException, PermissionDeniedException
from litestar.middleware import AuthenticationResult
from litestar.security.jwt import JWTAuth, JWTAuthenticationMiddleware, Token


class Role(StrEnum):
    ADMIN = "admin"
    SALES = "sales"
    ENGINEER = "engineer"
    PRODUCTION = "production"
    PURCHASING = "purchasing"
    FINANCE = "finance"
    AUDITOR = "auditor"  # reads everything, history included; changes nothing
    READER = "reader"  # an API consumer: reads the read models; changes nothing
    DASHBOARD = "dashboard"  # a wall screen: reads the dashboards and open exceptions only


class User(msgspec.Struct, frozen=True, kw_only=True):
    name: str
    role: Role


_O = "/orders/{order_id}"
_R = "/receivables/{order_id}"
_D = "/documents/{document_id}/versions/{label}"
_S = "/stock/{part}"
_T = "/tasks/{task_id}"
SALES, ENGINEER, PRODUCTION = {Role.SALES}, {Role.ENGINEER}, {Role.PRODUCTION}
PURCHASING, FINANCE = {Role.PURCHASING}, {Role.FINANCE}
WORKERS = SALES | ENGINEER | PRODUCTION | PURCHASING | FINANCE
NOBODY_BUT_ADMIN: frozenset[Role] = frozenset()

# Each write ("METHOD path template") and the roles that own it, besides admin.
WRITES: dict[str, frozenset[Role]] = {
    k: frozenset(v)
    for k, v in {
        "POST /orders": SALES,
        **{f"POST {_O}/{verb}": SALES for verb in (
            "sign", "hold", "resume", "cancel", "changes", "feedback", "complaints")},
        # Whoever holds the awaited position, whatever their role: the order checks it.
        **{f"POST {_O}/{verb}": WORKERS for verb in ("approve", "reject")},
        f"POST {_O}/advance": PRODUCTION | ENGINEER,
        f"POST {_O}/shipments": PRODUCTION,
        f"POST {_O}/acceptance": SALES | PRODUCTION,
        f"POST {_O}/expected-completion": PRODUCTION | ENGINEER,
        **{f"POST {_O}/operations/{{operation}}/{verb}": PRODUCTION for verb in (
            "start", "finish")},
        f"POST {_O}/quality-incidents": PRODUCTION | ENGINEER,
        f"POST {_O}/actual-costs": FINANCE | PRODUCTION,
        f"POST {_O}/cost-estimate": FINANCE | ENGINEER,
        f"POST {_O}/usage": FINANCE,
        f"PUT {_O}/contact": SALES,
        "POST /customers/{customer_id}/erasure": NOBODY_BUT_ADMIN,  # a data-protection request
        f"POST {_O}/documents": ENGINEER | SALES,
        f"POST {_D}/confirm": SALES,  # on the customer's behalf
        f"POST {_D}/confirmation-link": SALES,  # for the customer's own
        f"POST {_D}/reject": SALES,
        "POST /documents/{document_id}/shop-floor-links": ENGINEER | PRODUCTION | SALES,
        "POST /documents/{document_id}/shop-floor-links/{link_id}/revoke": (
            ENGINEER | PRODUCTION | SALES),
        **{f"POST /rulebook/{part}": NOBODY_BUT_ADMIN for part in (
            "approval-rules", "exception-rules", "health-weights", "key-components",
            "stage-deadlines", "stage-gates", "task-templates", "routes/{order_type}",
            "print-templates/{kind}", "positions", "stage-plans", "status-messages",
            "workflow-rules")},
        "POST /rulebook/workflow-rules/dry-run": SALES,  # changes nothing
        "POST /rulebook/payment-terms": FINANCE,
        **{f"POST {_R}/{verb}": FINANCE for verb in (
            "invoices", "payments", "refunds", "credit-notes", "write-offs")},
        "POST /dunning-lists/run": FINANCE,
        "POST /revenue/contracts/{order_id}/fulfilments": PRODUCTION | ENGINEER | FINANCE,
        "POST /revenue/contracts/{order_id}/variable-consideration": FINANCE,
        "POST /revenue/contracts/{order_id}/costs": FINANCE,
        "POST /revenue/periods/close": FINANCE,
        "POST /revenue/periods/soft-close": FINANCE,
        # Two people: finance asks, an admin (someone else: the periods check) approves.
        "POST /revenue/periods/reopen-requests": FINANCE,
        "POST /revenue/periods/reopen-requests/{request_id}/approve": NOBODY_BUT_ADMIN,
        "POST /revenue/patterns": FINANCE,
        "POST /exceptions/{order_id}/respond": PRODUCTION | ENGINEER | SALES,
        "POST /exceptions/{order_id}/close": PRODUCTION | ENGINEER | SALES,
        **{f"POST {_T}/{verb}": WORKERS for verb in ("accept", "complete", "reassign")},
        f"PUT {_S}": PURCHASING | PRODUCTION,
        **{f"POST {_S}/{verb}": PURCHASING | PRODUCTION for verb in (
            "receipts", "issues", "expected-receipts")},
        **{f"POST /catalogue/{part}": FINANCE for part in (
            "products", "products/{code}/retire", "bundles", "pricing-rules")},
        "POST /catalogue/validation-rules": ENGINEER | FINANCE,
        "PUT /catalogue/customer-tiers/{customer_id}": FINANCE,
        "POST /imports/orders": SALES,
        "POST /imports/customers": SALES,
        "POST /imports/products": FINANCE,  # they publish into the catalogue
        "POST /imports/stock": PURCHASING,
        "PUT /customers/{customer_id}": SALES,
        "POST /quotes/price": SALES,
        "POST /quotes": SALES,
        **{f"POST /quotes/{{quote_id}}/{verb}": SALES for verb in (
            "revisions", "accept", "withdraw")},
        "PUT /directory/{key}": NOBODY_BUT_ADMIN,
        "DELETE /directory/{key}": NOBODY_BUT_ADMIN,
        "POST /notifications/{message_id}/retry": NOBODY_BUT_ADMIN,
        "POST /projections/{name}/retry": NOBODY_BUT_ADMIN,
        "POST /webhooks": NOBODY_BUT_ADMIN,
        "POST /webhooks/{subscription}/replay": NOBODY_BUT_ADMIN,
        "DELETE /webhooks/{subscription}": NOBODY_BUT_ADMIN,
    }.items()
}  # fmt: skip

# Reads open to fewer than every role, by path prefix (the directory holds webhook keys).
RESTRICTED_READS: dict[str, frozenset[Role]] = {
    "/audit/": frozenset({Role.AUDITOR}),
    "/directory": NOBODY_BUT_ADMIN,
    "/webhooks": NOBODY_BUT_ADMIN,  # where the facts go, and the secrets that sign them
}
# All a wall screen's token reads: the boards and the exceptions they show.
DASHBOARD_READS = ("/dashboards", "/exceptions")
# Who sees a customer's contact person in clear (who calls, bills or ships to them).
CONTACT_READERS = frozenset({Role.ADMIN, Role.SALES, Role.FINANCE, Role.PRODUCTION})
# The longest a token may live, in days (a setting; a wall screen's is shorter).
TOKEN_MAX_DAYS = 90
DASHBOARD_TOKEN_MAX_DAYS = 7
READS = frozenset({"GET", "HEAD", "OPTIONS"})
# No token needed for these:
PUBLIC = [
    "^/health(/live)?$",
    "^/metrics$",
    "^/schema",
    "^/dashboard$",
    "^/static/",
    "^/customer-confirmations/",
    "^/shop-floor/",
]  # a signed link is its own credential


def allowed_roles(method: str, path_template: str) -> frozenset[Role]:
    """The roles that may call this route (admin always may)."""
    if method in READS:
        for prefix, roles in RESTRICTED_READS.items():
            if path_template.startswith(prefix):
                return roles | {Role.ADMIN}
        if path_template.startswith(DASHBOARD_READS):
            return frozenset(Role)
        return frozenset(Role) - {Role.DASHBOARD}
    owners = WRITES.get(f"{method} {path_template}")
    if owners is None:
        # A write nobody listed: only an admin, until the table says otherwise.
        return frozenset({Role.ADMIN})
    return owners | {Role.ADMIN}


@functools.cache  # one entry per route: the templates are the app's, not the caller's
def _route_roles(method: str, template: str) -> frozenset[Role] | None:
    """Who may call this route; None for a CORS preflight or a public page."""
    if method == "OPTIONS" or any(re.match(p, template) for p in PUBLIC):
        return None
    return allowed_roles(method, template)


def _authorise(connection: ASGIConnection[Any, Any, Any, Any], user: Any) -> None:
    """Refuse `user` the route the connection was routed to unless their role may call it."""
    method = str(connection.scope.get("method", "GET"))
    template = str(connection.scope.get("path_template", ""))
    roles = _route_roles(method, template)
    if roles is None:
        return
    if not isinstance(user, User):
        raise NotAuthorizedException("a bearer token is required")
    if user.role not in roles:
        raise PermissionDeniedException(f"the role {user.role.value!r} may not {method} {template}")


async def _user(token: Token, _: ASGIConnection[Any, Any, Any, Any]) -> User | None:
    """Async, so Litestar calls it on the event loop instead of in a worker thread."""
    try:
        return User(name=token.sub, role=Role(token.extras.get("role", "")))
    except ValueError:
        return None  # an unknown role: not authenticated


# Tokens whose signature and claims were checked, by (key, token): a client sends the
# same token with every request, and checking it (base64, JSON, HMAC, claims) was a
# fifth of a kept read's time. Only what can change - the time - is checked again.
_CHECKED: dict[tuple[str, str], AuthenticationResult] = {}
_CHECKED_MAX = 4096  # then forgotten all at once, and checked afresh


def _in_force(token: Token) -> bool:
    now = datetime.now(UTC)
    not_before = token.extras.get("nbf")
    return now < token.exp and (not_before is None or now.timestamp() >= not_before)


class CheckedOnce(JWTAuthenticationMiddleware):
    """The JWT middleware, checking each token's signature once per process - and the
    token's role against the route (the middleware runs once the request is routed;
    a Litestar guard would copy the route handler for every request)."""

    async def authenticate_request(
        self, connection: ASGIConnection[Any, Any, Any, Any]
    ) -> AuthenticationResult:
        result = await super().authenticate_request(connection)
        _authorise(connection, result.user)
        return result

    async def authenticate_token(
        self, encoded_token: str, connection: ASGIConnection[Any, Any, Any, Any]
    ) -> AuthenticationResult:
        key = (self.token_secret, encoded_token)
        checked = _CHECKED.get(key)
        if checked is not None and _in_force(checked.auth):
            return checked
        _CHECKED.pop(key, None)
        result = await super().authenticate_token(encoded_token, connection)
        if len(_CHECKED) >= _CHECKED_MAX:
            _CHECKED.clear()
        _CHECKED[key] = result
        return result


def jwt_auth(key: str) -> JWTAuth[User, Token]:
    return JWTAuth[User, Token](
        token_secret=key,
        retrieve_user_handler=_user,
        exclude=PUBLIC,
        authentication_middleware_class=CheckedOnce,
        description="A bearer token from `orderhub token issue --user U --role R`.",
    )


def issue_token(
    key: str, user: str, role: Role, days: int | None = None, *, max_days: int = TOKEN_MAX_DAYS
) -> str:
    """A signed token for `user` in `role`, valid `days` days (default 30, or the cap if
    shorter): at least one, at most `max_days` (a wall screen's at most
    `DASHBOARD_TOKEN_MAX_DAYS`)."""
    cap = min(max_days, DASHBOARD_TOKEN_MAX_DAYS) if role is Role.DASHBOARD else max_days
    days = min(30, cap) if days is None else days
    if not 1 <= days <= cap:
        raise ValueError(f"a {role.value} token lives 1 to {cap} days, not {days} days")
    auth = jwt_auth(key)
    return auth.create_token(identifier=user, token_expiration=timedelta(days=days),
                             token_extras={"role": role.value})  # fmt: skip
