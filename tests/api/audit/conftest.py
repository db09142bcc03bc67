"""Audit tests drive the runtime by hand, like the policy tests (SQLite and PostgreSQL)."""

from tests.policies.conftest import client, runtime

__all__ = ["client", "runtime"]
