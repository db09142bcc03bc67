"""One error shape for every failure: RFC 9457 problem details naming what failed.

`rule` names the business rule or check; `field` points at the input that broke
it (a JSON path into the request body, or a parameter name). Nothing is written
when a problem is returned.
"""

from __future__ import annotations

import logging
import re
from typing import Any

import msgspec
from litestar import Request, Response
from litestar.exceptions import HTTPException, ValidationException
from litestar.status_codes import HTTP_500_INTERNAL_SERVER_ERROR

from api.reading import ProjectionBehind
from application.service import CommandIdReused, VersionConflict
from domain.order.rules import OrderNotFound
from domain.shared import DomainError
from infrastructure.blobs import BlobError, BlobMissing, BlobTooLarge

log = logging.getLogger(__name__)

PROBLEM_JSON = "application/problem+json"


class Problem(msgspec.Struct, kw_only=True, omit_defaults=True):
    type: str
    title: str
    status: int
    detail: str
    rule: str
    field: str | None = None
    instance: str | None = None
    errors: list[dict[str, Any]] = msgspec.field(default_factory=list)
    details: dict[str, Any] = msgspec.field(default_factory=dict)


_CONFLICTS = (VersionConflict, CommandIdReused)
_STATUS_BY_RULE = {
    "duplicate_order": 409,
    "unknown_version": 404,
    "task_not_found": 404,
    "other_aggregate_type": 404,
    "too_many_rows": 413,
    "no_current_version": 409,
    "not_current_version": 410,  # gone for work; the problem names the current version
    "not_found": 404,
    "link_gone": 410,  # a shop-floor link revoked or expired
}


def _status_for(error: DomainError) -> int:
    if isinstance(error, OrderNotFound):
        return 404
    if isinstance(error, _CONFLICTS):
        return 409
    return _STATUS_BY_RULE.get(error.rule, 422)


def _respond(request: Request[Any, Any, Any], problem: Problem) -> Response[Problem]:
    problem.instance = request.url.path
    return Response(problem, status_code=problem.status, media_type=PROBLEM_JSON)


def domain_error(request: Request[Any, Any, Any], error: DomainError) -> Response[Problem]:
    status = _status_for(error)
    return _respond(
        request,
        Problem(
            type=f"https://orderhub.dev/problems/{error.rule}",
            title=error.rule.replace("_", " "),
            status=status,
            detail=error.message,
            rule=error.rule,
            field=error.field,
            details={k: _plain(v) for k, v in error.details.items()},
        ),
    )


def validation_error(
    request: Request[Any, Any, Any], error: ValidationException
) -> Response[Problem]:
    errors = [_to_field(e) for e in (error.extra or []) if isinstance(e, dict)]
    first = errors[0] if errors else {}
    message = str(first.get("message") or error.detail)
    return _respond(
        request,
        Problem(
            type="https://orderhub.dev/problems/invalid_input",
            title="invalid input",
            status=400,
            detail=message,
            rule="invalid_input",
            field=_field_from(first, message),
            errors=errors,
        ),
    )


def http_error(request: Request[Any, Any, Any], error: HTTPException) -> Response[Problem]:
    rule = {404: "not_found", 405: "method_not_allowed", 413: "body_too_large"}.get(
        error.status_code, "http_error"
    )
    response = _respond(
        request,
        Problem(
            type=f"https://orderhub.dev/problems/{rule}",
            title=rule.replace("_", " "),
            status=error.status_code,
            detail=str(error.detail),
            rule=rule,
        ),
    )
    response.headers.update(error.headers or {})  # e.g. a 405's Allow
    return response


def blob_error(request: Request[Any, Any, Any], error: BlobError) -> Response[Problem]:
    """A file too large for the upload limit (413), or a stored file that failed its check."""
    field: str | None = None
    match error:
        case BlobTooLarge():
            rule, status, field = "file_too_large", 413, "file"
        case BlobMissing():
            rule, status = "file_missing", 500
        case _:
            rule, status = "file_corrupted", 500
    if status == 500:
        log.error("stored file failed its check on %s: %s", request.url.path, error)
    return _respond(
        request,
        Problem(
            type=f"https://orderhub.dev/problems/{rule}",
            title=rule.replace("_", " "),
            status=status,
            detail=str(error),
            rule=rule,
            field=field,
        ),
    )


def projection_behind(
    request: Request[Any, Any, Any], error: ProjectionBehind
) -> Response[Problem]:
    response = _respond(
        request,
        Problem(
            type="https://orderhub.dev/problems/projection_behind",
            title="projection behind",
            status=503,
            detail=str(error),
            rule="projection_behind",
            field="wait_for_position",
            details={"position": error.position, "wanted": error.wanted},
        ),
    )
    response.headers["Retry-After"] = "1"
    return response


def out_of_range(request: Request[Any, Any, Any], error: OverflowError) -> Response[Problem]:
    """A date or number so far out that arithmetic on it overflows (e.g. year 1 minus a day)."""
    return _respond(
        request,
        Problem(
            type="https://orderhub.dev/problems/out_of_range",
            title="out of range",
            status=400,
            detail=f"a date or number in the request is out of the supported range: {error}",
            rule="out_of_range",
        ),
    )


def too_deep(request: Request[Any, Any, Any], error: RecursionError) -> Response[Problem]:
    """A body nested deeper than the decoder goes (msgspec says so while decoding);
    any other recursion is the server's fault."""
    if "while deserializing" not in str(error):
        return internal_error(request, error)
    return _respond(
        request,
        Problem(
            type="https://orderhub.dev/problems/too_deeply_nested",
            title="too deeply nested",
            status=400,
            detail="the body nests arrays or objects deeper than any request of this API",
            rule="too_deeply_nested",
        ),
    )


def internal_error(request: Request[Any, Any, Any], error: Exception) -> Response[Problem]:
    log.exception("unhandled error on %s", request.url.path, exc_info=error)
    return _respond(
        request,
        Problem(
            type="https://orderhub.dev/problems/internal_error",
            title="internal error",
            status=HTTP_500_INTERNAL_SERVER_ERROR,
            detail="the server failed; nothing was written unless a response said so",
            rule="internal_error",
        ),
    )


# A check after decoding (a struct's __post_init__) is reported by msgspec at the struct
# ("lines[0]"); its message starts with the field it is about ("quantity must be ...").
_ABOUT = re.compile(r"^([a-z][a-z0-9_]*) (?:must|is|needs|cannot) ")


def _to_field(error: dict[str, Any]) -> dict[str, Any]:
    """The error with its key narrowed to the field its message is about."""
    key, about = error.get("key"), _ABOUT.match(str(error.get("message", "")))
    if not key or about is None or str(key).rsplit(".", 1)[-1] == about[1]:
        return error
    return {**error, "key": f"{key}.{about[1]}"}


def _field_from(first: dict[str, Any], message: str) -> str | None:
    # msgspec reports the location as "... - at `$.lines[0].quantity`".
    if "- at `$." in message:
        return message.rsplit("- at `$.", 1)[1].rstrip("`")
    key = first.get("key")
    return str(key) if key else None


def _plain(value: Any) -> Any:
    return msgspec.to_builtins(value)


EXCEPTION_HANDLERS: Any = {
    DomainError: domain_error,
    ValidationException: validation_error,
    HTTPException: http_error,
    ProjectionBehind: projection_behind,
    BlobError: blob_error,
    OverflowError: out_of_range,
    RecursionError: too_deep,
    HTTP_500_INTERNAL_SERVER_ERROR: internal_error,
}
