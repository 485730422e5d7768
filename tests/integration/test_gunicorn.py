"""The image's real start-up path, without Docker: scripts/docker-entrypoint.sh web → migrations →
gunicorn with gunicorn.conf.py (2 preloaded workers) → /health, and /metrics adding up every worker."""
import os
import re
import signal
import socket
import subprocess
import time
import urllib.error
import urllib.request
from pathlib import Path

import pytest
from prometheus_client.parser import text_string_to_metric_families

ROOT = Path(__file__).resolve().parents[2]
REQUESTS = 24


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _get(url: str, headers: dict | None = None) -> tuple[int, str]:
    request = urllib.request.Request(url, headers=headers or {})
    try:
        with urllib.request.urlopen(request, timeout=5) as response:
            return response.status, response.read().decode()
    except urllib.error.HTTPError as error:
        return error.code, error.read().decode()


@pytest.fixture
def served(app, tmp_path):
    """The entry point serving the (already migrated) test database on a loopback port."""
    port = _free_port()
    prom = tmp_path / "prometheus"
    prom.mkdir()
    (prom / "counter_99999.db").write_bytes(b"stale")  # a previous run's file: must be wiped
    env = {key: value for key, value in os.environ.items() if not key.startswith("SENTRY")}
    env.update({
        "PATH": f"{ROOT / '.venv' / 'bin'}:{env.get('PATH', '')}", "FLASK_APP": "wsgi",
        "MARKETPLACE_ENV": "production", "SECRET_KEY": "s" * 48,
        "DATABASE_URL": app.config["SQLALCHEMY_DATABASE_URI"], "REDIS_URL": "",
        "RATELIMIT_STORAGE_URI": "memory://",
        "GUNICORN_BIND": f"127.0.0.1:{port}", "WEB_CONCURRENCY": "2", "PROMETHEUS_MULTIPROC_DIR": str(prom),
    })
    log = open(tmp_path / "server.log", "wb")
    process = subprocess.Popen(["bash", "scripts/docker-entrypoint.sh", "web"], cwd=ROOT, env=env,
                               stdout=log, stderr=subprocess.STDOUT, start_new_session=True)
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 60
        while True:
            if process.poll() is not None or time.monotonic() > deadline:
                pytest.fail("gunicorn did not come up:\n" + (tmp_path / "server.log").read_text())
            try:
                if _get(base + "/health")[0] == 200:
                    break
            except OSError:
                time.sleep(0.3)
        yield base, tmp_path / "server.log", prom
    finally:
        if process.poll() is None:
            os.killpg(process.pid, signal.SIGTERM)
            try:
                process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                os.killpg(process.pid, signal.SIGKILL)
                process.wait(timeout=10)
        log.close()


def test_entrypoint_serves_with_gunicorn_and_metrics_add_up_all_workers(served):
    base, log_path, prom = served
    assert not (prom / "counter_99999.db").exists()
    before = _health_count(base)
    for _ in range(REQUESTS):
        status, body = _get(base + "/health")
        assert status == 200 and '"database":"ok"' in body.replace(" ", "")
    assert _health_count(base) - before == REQUESTS

    # Both workers wrote their own counters; /metrics is their sum.
    assert len({p.name for p in prom.glob("counter_*.db")}) >= 2

    # Through a proxy (nginx adds X-Forwarded-For) /metrics stays closed.
    assert _get(base + "/metrics", {"X-Forwarded-For": "203.0.113.5"})[0] == 403

    log = log_path.read_text()
    assert "Context impl PostgresqlImpl" in log  # flask db upgrade ran (a no-op at head)
    assert "Booting worker" in log and "Control socket" not in log
    assert re.search(r"compiled \d{2,} templates", log)  # in the master, before the workers fork
    froze = re.search(r"froze (\d+) objects for the workers", log)  # and its heap frozen (gc.freeze) after them
    assert froze and int(froze[1]) > 100_000 and log.index("froze") < log.index("Booting worker")
    # No gunicorn access log: the app's JSON line is the only record of a request.
    assert '"GET /health HTTP/1.1" 200' not in log
    assert '"logger": "marketplace.access"' in log


def _health_count(base: str) -> float:
    status, body = _get(base + "/metrics")
    assert status == 200
    total = 0.0
    for family in text_string_to_metric_families(body):
        for sample in family.samples:
            if sample.name == "marketplace_http_requests_total" and sample.labels.get("route") == "/health":
                total += sample.value
    return total
