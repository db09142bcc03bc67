"""The big-screen dashboard page (`/dashboard`) and its static files (`/static/...`).

The page and its scripts hold no data, so they are served without a token; the
page reads the dashboard read models with the reader token given in its address
(`/dashboard?token=...`, see docs/operators.md). Charts are drawn by ECharts 6.1.0
(Apache-2.0), vendored in static/vendor so the page works without the Internet.
"""

from __future__ import annotations

from pathlib import Path

from litestar import Response, get
from litestar.static_files import create_static_files_router
from litestar.types import ControllerRouterHandler

STATIC = Path(__file__).parent / "static"


@get("/dashboard", sync_to_thread=False, include_in_schema=False)
def dashboard_page() -> Response[bytes]:
    """The order cockpit for the wall screen and the phone."""
    return Response(
        (STATIC / "dashboard.html").read_bytes(),
        media_type="text/html; charset=utf-8",
        headers={"Cache-Control": "no-cache"},
    )


static_files: ControllerRouterHandler = create_static_files_router(
    path="/static", directories=[STATIC], include_in_schema=False
)
