"""Each revenue period's close signs the log's Merkle root; any record can be proved
to be in a signed log, offline, with the installation's public key alone."""

from __future__ import annotations

import base64
import json
from datetime import datetime
from pathlib import Path

import msgspec
import pytest

from api.auth import Role
from api.cli import main
from api.runtime import Runtime
from api.settings import Settings
from domain.revenue_periods import PERIODS_ID, PeriodClosed
from infrastructure.daemon.rebuild import compare, rebuild
from infrastructure.log_digests import DigestKey, InclusionProof, check_proof, leaf_of, record_hash
from infrastructure.merkle import root_of
from projections import audit_digests
from projections.audit_chain import log_records
from tests.api.audit.test_history_and_chain import book, findings, position_of, state_at, tamper
from tests.api.conftest import bearer, order_body
from tests.policies.conftest import Client, ok

CLOSE = {"month": "2025-11", "at": "2025-12-01T09:00:00+08:00", "note": "November books"}


def close_november(client: Client, runtime: Runtime) -> dict[str, object]:
    finance = bearer(runtime, Role.FINANCE, "zhou.kuaiji")
    ok(client.post("/revenue/periods/close", json=CLOSE, headers=finance))
    for name in ("audit_chain", audit_digests.NAME):
        runtime.projections[name].catch_up()
    [digest] = ok(client.get("/audit/digests"))
    return digest


@pytest.fixture
def cli(runtime: Runtime, monkeypatch: pytest.MonkeyPatch) -> Runtime:
    settings: Settings = runtime.settings
    monkeypatch.setattr(Settings, "from_env", staticmethod(lambda: settings))
    return runtime


def test_a_period_close_signs_the_root_of_the_log_up_to_it(
    client: Client, runtime: Runtime
) -> None:
    book(client, runtime)
    digest = close_november(client, runtime)
    store = runtime.storage.read_store
    closed_at = position_of(store, "PeriodClosed")
    records = [n for n in log_records(runtime.storage.log) if n.id <= closed_at]
    # The root any RFC 9162 implementation computes over the records as stored.
    root = root_of([leaf_of(n.id, record_hash(n)) for n in records])
    assert (digest["period"], digest["position"], digest["tree_size"]) == (
        "2025-11", closed_at, len(records))  # fmt: skip
    assert digest["root"] == root.hex()
    closed = runtime.service.history(PERIODS_ID)[-1]
    assert isinstance(closed.event, PeriodClosed)
    # The close's recorded time, so a rebuild signs the same bytes.
    assert datetime.fromisoformat(digest["signed_at"]) == closed.timestamp
    assert digest["public_key"] == runtime.digest_key.public_key
    # Anyone can ask for the root as it stands now, signed; it is kept nowhere.
    now = ok(client.get("/audit/digests/now"))
    assert (now["period"], now["tree_size"]) == ("", store.head())
    assert ok(client.get("/audit/verify"))["intact"]
    # Period digests are for auditors and admins, like the rest of /audit.
    sales = bearer(runtime, Role.SALES, "wang.fang")
    assert client.get("/audit/digests", headers=sales).status_code == 403


def test_a_rebuilt_projection_signs_the_same_digests(client: Client, runtime: Runtime) -> None:
    book(client, runtime)
    close_november(client, runtime)
    assert compare(runtime.projections[audit_digests.NAME]) == []


def test_an_inclusion_proof_checks_offline_and_a_doctored_one_does_not(
    client: Client, cli: Runtime, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    [order_id, *_] = book(client, cli)
    close_november(client, cli)
    assert main(["audit", "public-key"]) == 0
    public_key = capsys.readouterr().out.split()[0]
    assert main(["audit", "prove", f"{order_id}@1"]) == 0
    proof_file = tmp_path / "proof.json"
    proof_file.write_text(capsys.readouterr().out)
    proof = msgspec.json.decode(proof_file.read_bytes(), type=InclusionProof)
    assert proof.record.topic == "OrderPlaced"
    assert proof.digest.period == "2025-11"
    # The API gives the same proof.
    assert ok(client.get(f"/audit/proofs/{proof.record.position}")) == json.loads(
        proof_file.read_text())  # fmt: skip
    assert main(["audit", "verify-proof", str(proof_file), "--public-key", public_key]) == 0
    assert "proved: OrderPlaced v1" in capsys.readouterr().out

    def doctored(**changes: object) -> list[str]:
        return check_proof(msgspec.structs.replace(proof, **changes), public_key)

    other = base64.b64encode(base64.b64decode(proof.record.state).replace(
        "浙江".encode(), "江苏".encode())).decode()  # fmt: skip
    assert doctored(record=msgspec.structs.replace(proof.record, state=other)) == [
        "the record and its audit path do not lead to the signed root"]  # fmt: skip
    assert doctored(leaf_index=proof.leaf_index + 1)
    resigned = DigestKey.generate().sign(
        tree_size=proof.digest.tree_size, position=proof.digest.position,
        root=bytes.fromhex(proof.digest.root), period="2025-11",
        signed_at=proof.digest.signed_at)  # fmt: skip
    assert doctored(digest=resigned) == [
        "the digest's signature does not check under the public key given"]  # fmt: skip
    root_swapped = msgspec.structs.replace(proof.digest, root="0" * 64)
    assert len(doctored(digest=root_swapped)) == 2  # off the path, and not what was signed
    # Unpinned, the proof is checked against the key it names, and says so.
    assert main(["audit", "verify-proof", str(proof_file)]) == 0
    assert "unpinned" in capsys.readouterr().out
    proof_file.write_text("{}")
    assert main(["audit", "verify-proof", str(proof_file)]) == 2


def test_an_event_after_the_last_close_is_proved_under_a_digest_signed_now(
    client: Client, runtime: Runtime
) -> None:
    book(client, runtime)
    close_november(client, runtime)
    ok(client.post("/orders", json=order_body("EC-LATE"), headers={"Idempotency-Key": "late"}))
    runtime.projections["audit_chain"].catch_up()
    head = runtime.storage.read_store.head()
    proof = msgspec.convert(ok(client.get(f"/audit/proofs/{head}")), InclusionProof)
    assert (proof.digest.period, proof.digest.position) == ("", head)
    assert check_proof(proof, runtime.digest_key.public_key) == []
    assert client.get(f"/audit/proofs/{head}", params={"period": "2025-10"}).status_code == 404
    assert client.get(f"/audit/proofs/{head}", params={"period": "2025-11"}).status_code == 400
    assert client.get(f"/audit/proofs/{head + 1000}").status_code == 404


def test_history_rewritten_below_a_signed_period_is_caught(
    client: Client, runtime: Runtime
) -> None:
    """A forger edits a record and has the chain rebuilt over the edited log: the chain
    agrees with the log again, but not with the root signed at November's close."""
    book(client, runtime)
    digest = close_november(client, runtime)
    store = runtime.storage.read_store
    victim = position_of(store, "OrderSigned")
    edited = state_at(store, victim).replace(b"HT-7", b"HT-8")
    tamper(store, "UPDATE {events} SET state = ? WHERE {pos} = ?", (edited, victim))
    rebuild(runtime.projections["audit_chain"])
    assert findings(client) == [(victim, "forged"), (digest["position"], "digest_root")]


def test_a_digest_whose_signature_was_changed_is_named(client: Client, runtime: Runtime) -> None:
    book(client, runtime)
    digest = close_november(client, runtime)
    table = runtime.projections[audit_digests.NAME].copy
    with runtime.storage.read_store.transaction(commit=True) as tx:
        tx.execute(f"UPDATE {table} SET signature = ?", ("00" * 64,))
    assert findings(client) == [(digest["position"], "digest_signature")]
