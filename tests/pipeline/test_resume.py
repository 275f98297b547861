"""A run killed at any point resumes with nothing lost and no notification sent twice."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest
from sqlalchemy import func, select

from conftest import World, make_world, submission
from scomm.pipeline.status import WAITING
from scomm.store import open_store, verify_chain
from scomm.store.schema import BookingRow, DeliveryRow, OutboxRow

PEOPLE = [3, 5, 42, 1, 3, 6, 43, 5]


class Crash(Exception):
    pass


def final_state(world: World) -> list[tuple]:
    with world.store.sessions() as session:
        return [tuple(r) for r in session.execute(select(
            BookingRow.tcn, BookingRow.status, BookingRow.criminal_identity_id, BookingRow.immigration_identity_id,
            BookingRow.level, BookingRow.detainer).order_by(BookingRow.tcn))]


def deliveries(world: World) -> list[str]:
    with world.store.sessions() as session:
        return sorted(session.execute(select(DeliveryRow.dedupe_key)).scalars())


@pytest.mark.parametrize("crash_at", [1, 4, 9, 17])
def test_crash_after_any_stage_resumes_to_the_same_result(sqlite_world, tmp_path, crash_at):
    reference = make_world(open_store(f"sqlite:///{tmp_path / 'ref.sqlite'}"))
    ref = reference.pipeline()
    for i, person in enumerate(PEOPLE):
        ref.process(submission(f"R-{i}", person, impression=20 + i))
    ref.dispatch_outbox()

    count = {"n": 0}

    def hook(stage: str, booking_id: int) -> None:
        count["n"] += 1
        if count["n"] == crash_at:
            raise Crash(stage)

    p = sqlite_world.pipeline(after_stage=hook)
    with pytest.raises(Crash):
        for i, person in enumerate(PEOPLE):
            p.process(submission(f"R-{i}", person, impression=20 + i))
            p.dispatch_outbox()
    # A new process: galleries rebuilt from the store, unfinished bookings advanced, the rest resubmitted.
    resumed = sqlite_world.pipeline()
    resumed.run_pending()
    for i, person in enumerate(PEOPLE):
        resumed.process(submission(f"R-{i}", person, impression=20 + i))
    resumed.dispatch_outbox()
    resumed.dispatch_outbox()
    assert final_state(sqlite_world) == final_state(reference)
    assert deliveries(sqlite_world) == deliveries(reference)
    with sqlite_world.store.sessions() as session:
        assert session.execute(select(func.count()).select_from(OutboxRow)
                               .where(OutboxRow.delivered_at.is_(None))).scalar_one() == 0
        assert verify_chain(session).ok


WORKER = textwrap.dedent("""
    import os, sys, time
    sys.path.insert(0, {tests!r})
    from conftest import submission
    from scomm.pipeline.runner import Pipeline
    from scomm.store import open_store
    p = Pipeline(open_store({url!r}), after_stage=lambda s, b: time.sleep(0.02))
    p.run_pending()
    p.dispatch_outbox()
    for i in range({n}):
        p.process(submission(f"K-{{i}}", [3, 5, 42, 1, 6][i % 5], impression=30 + i))
        p.dispatch_outbox()
        print(i, flush=True)
""")


def test_a_killed_process_resumes_with_nothing_lost_and_no_duplicate_notification(tmp_path):
    url = f"sqlite:///{tmp_path / 'kill.sqlite'}"
    make_world(open_store(url))
    n = 10
    script = WORKER.format(tests=str(Path(__file__).parent), url=url, n=n)
    env = {**os.environ, "PYTHONPATH": os.pathsep.join(sys.path)}
    proc = subprocess.Popen([sys.executable, "-c", script], stdout=subprocess.PIPE, text=True, env=env)
    assert proc.stdout is not None
    for line in proc.stdout:
        if int(line.split()[0]) >= 3:
            break
    proc.send_signal(signal.SIGKILL)
    proc.wait()
    done = subprocess.run([sys.executable, "-c", script], env=env, capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stderr
    store = open_store(url)
    with store.sessions() as session:
        statuses = list(session.execute(select(BookingRow.status)).scalars())
        assert len(statuses) == n and all(s in {w.value for w in WAITING} for s in statuses)
        keys = list(session.execute(select(DeliveryRow.dedupe_key)).scalars())
        assert len(keys) == len(set(keys)) > 0
        outbox = session.execute(select(func.count()).select_from(OutboxRow)).scalar_one()
        assert outbox == len(keys)
        assert verify_chain(session).ok
