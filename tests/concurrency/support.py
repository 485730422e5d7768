"""What the race tests share: threads started together and waited for, a hang failing the test."""
import threading
from collections.abc import Callable


def run_threads(targets: list[Callable[[], None]], *, hung: str, timeout: float = 90) -> None:
    """Run each target in a thread of its own and wait for them all; one still running after
    `timeout` seconds (a lock never released) fails the test with `hung`."""
    threads = [threading.Thread(target=target) for target in targets]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=timeout)
    assert not any(t.is_alive() for t in threads), hung
