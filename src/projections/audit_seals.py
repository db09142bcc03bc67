"""Which records the application itself wrote: each command's seal, checked.

The hash chain proves the log was not changed after it was chained, but it chains
whatever stands in the log, so a row INSERTed by SQL while the server runs would be
chained within seconds. So the writer seals what it appends: each command's
`CommandHandled` record carries a MAC, under the installation's signing key, over
the command id and the canonical bytes of every event envelope the command wrote
(`domain.envelope.seal_message`). Whoever writes to the database without that key cannot make one.

`verify_seals` reads the log in order and reports, by position:

- `forged`: an event a command's record claims, but whose bytes the seal does not
  cover (a record rewritten along with its neighbours), or a command record whose
  seal does not check;
- `orphan`: an event no command record claims (a row inserted by hand);
- `unsealed`: a command record without a seal, written after sealing began.

Commands recorded before this release carry no seal; they are counted as
`legacy`, and covered by the hash chain and by any digest exported before.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, NamedTuple

from eventsourcing.persistence import ApplicationRecorder, Notification

from domain.envelope import CommandHandled, Recorded, seal_message
from infrastructure.mapper import MsgspecMapper
from projections.audit_chain import Finding, log_records

HANDLED = "CommandHandled"


class SealReport(NamedTuple):
    sealed: int  # commands whose seal checks
    legacy: int  # commands recorded before sealing began
    findings: list[Finding]


def _read(mapper: MsgspecMapper, record: Notification) -> Recorded[Any] | None:
    """The record's envelope; None if its bytes are no longer an event (tampered)."""
    try:
        recorded: Recorded[Any] = mapper.to_domain_event(record)
    except Exception:
        return None
    return recorded


def _written(mapper: MsgspecMapper, record: Notification) -> Recorded[Any] | None:
    """The record's envelope with its event as written (what the seal covers); None if
    its bytes no longer read as an envelope. Bytes altered in any other way fail the
    seal, so the event is not decoded into its type a second time here."""
    try:
        return mapper.as_written(record)
    except Exception:
        return None


def verify_seals(
    log: ApplicationRecorder,
    mapper: MsgspecMapper,
    checks: Callable[[bytes, str], bool],
) -> SealReport:
    """Check every command's seal against the events it claims (`checks(message, seal)`
    says whether `seal` is the installation's MAC of `message`)."""
    waiting: dict[tuple[str, int], tuple[int, Recorded[Any] | None]] = {}  # not yet claimed
    findings: list[Finding] = []
    sealed = legacy = 0
    sealing = False
    for record in log_records(log):
        if record.topic != HANDLED:
            key = (str(record.originator_id), record.originator_version)
            waiting[key] = (record.id, _written(mapper, record))
            continue
        read = _read(mapper, record)
        if read is None or not isinstance(read.event, CommandHandled):
            findings.append(Finding(record.id, "forged", "a command record no one can read"))
            continue
        handled: CommandHandled = read.event
        first = handled.version - len(handled.events) + 1
        claimed = [waiting.pop((str(handled.aggregate_id), v), None)
                   for v in range(first, handled.version + 1)]  # fmt: skip
        if not handled.seal:
            if sealing:
                findings.append(Finding(record.id, "unsealed",
                                        f"command {handled.command_id!r} carries no seal, "
                                        "though commands before it do"))  # fmt: skip
            else:
                legacy += 1
            continue
        sealing = True
        missing = [v for v, c in zip(range(first, handled.version + 1), claimed, strict=True)
                   if c is None]  # fmt: skip
        if missing:
            findings.append(Finding(record.id, "forged",
                                    f"command {handled.command_id!r} claims versions {missing} "
                                    f"of {handled.aggregate_id}, which are not where it wrote "
                                    "them"))  # fmt: skip
            continue
        envelopes = [c[1] for c in claimed if c is not None]
        readable = [e for e in envelopes if e is not None]
        message = seal_message(handled.command_id, readable)
        if len(readable) == len(envelopes) and checks(message, handled.seal):
            sealed += 1
            continue
        for position, _envelope in (c for c in claimed if c is not None):
            findings.append(Finding(position, "forged",
                                    f"an event of command {handled.command_id!r} is not what "
                                    "its writer sealed"))  # fmt: skip
    for (stream, version), (position, _envelope) in waiting.items():
        findings.append(Finding(position, "orphan",
                                f"stream {stream} v{version} was written by no command of "
                                "this application"))  # fmt: skip
    findings.sort()
    return SealReport(sealed=sealed, legacy=legacy, findings=findings)
