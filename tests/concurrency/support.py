"""What the race tests share: threads started together and waited for (a hang fails the test),
and reading committed results on a connection of its own."""
import threading
from collections.abc import Callable

from marketplace.extensions import db


def run_threads(targets: list[Callable[[], None]], *, hung: str, timeout: float = 90) -> None:
    """Run each target in a thread of its own and wait for them all; one still running after
    `timeout` seconds (a lock never released) fails the test with `hung`."""
    threads = [threading.Thread(target=target) for target in targets]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=timeout)
    assert not any(t.is_alive() for t in threads), hung


def committing(app, barrier: threading.Barrier, results: dict, name, move: Callable):
    """A thread target: in an app context of its own, wait at `barrier` with the others, run `move`,
    commit, and keep what it returned (or the exception it raised, rolled back) as results[name]."""
    def run():
        with app.app_context():
            try:
                barrier.wait()
                results[name] = move()
                db.session.commit()
            except Exception as error:  # examined by the tests' assertions
                db.session.rollback()
                results[name] = error
            finally:
                db.session.remove()
    return run


def race(app, moves: dict, *, hung: str) -> dict:
    """Run each of `moves` (name -> callable) in its own thread, all released at once; their results."""
    barrier = threading.Barrier(len(moves), timeout=30)
    results: dict = {}
    run_threads([committing(app, barrier, results, name, move) for name, move in moves.items()], hung=hung)
    return results


def scalar_of(app, stmt):
    """One value of `stmt`, read in a fresh app context (its own connection: committed data only)."""
    with app.app_context():
        value = db.session.scalar(stmt)
        db.session.remove()
        return value
