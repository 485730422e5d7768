"""Outbound messages through the RQ queue: queued, retried, dead-lettered, delivered by a real worker."""
import json
import logging
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from rq import Queue, Worker
from rq.job import Job
from rq.serializers import JSONSerializer
from sqlalchemy import text

from marketplace import jobs, messaging
from marketplace.extensions import db
from marketplace.services.core.effects import after_commit
from tests.jobs_support import REDIS_TEST_URL, enable_app_loggers, fake_provider, work_queue

ROOT = Path(__file__).resolve().parents[2]
CODE_TEXT = "Your Marketplace code is 482913. It expires in 5 minutes."


def _queue(conn) -> Queue:
    return Queue(jobs.QUEUE_NAME, connection=conn, serializer=JSONSerializer)


def test_without_redis_url_messages_are_sent_inline(app, sent_messages, redis_conn):
    assert app.config["REDIS_URL"] == ""
    with app.app_context():
        messaging.send_sms("+84901234567", CODE_TEXT)
    assert sent_messages.last_to("+84901234567").body == CODE_TEXT
    assert _queue(redis_conn).count == 0


def test_queued_sms_is_not_sent_until_a_worker_runs_it(queued, sent_messages, redis_conn, caplog):
    messaging.send_sms("+84901234567", CODE_TEXT)

    assert sent_messages.messages == []
    queue = _queue(redis_conn)
    assert queue.count == 1
    job = queue.jobs[0]
    assert job.description == "sms to +849*****567"
    assert job.meta == {"channel": "sms", "to": "+849*****567"}
    assert job.retries_left == 3 and job.retry_intervals == [10, 30, 60]
    assert job.failure_ttl == queued.config["JOB_FAILURE_TTL"]

    with caplog.at_level(logging.DEBUG):
        work_queue(redis_conn)

    assert sent_messages.last_to("+84901234567").body == CODE_TEXT
    assert queue.count == 0
    assert not Job.exists(job.id, connection=redis_conn), "a delivered code must not linger in Redis"
    assert "482913" not in caplog.text


def test_email_goes_through_the_queue_too(queued, sent_messages, redis_conn):
    messaging.send_to_contact("alice@example.com", "Reset your password", CODE_TEXT)
    job = _queue(redis_conn).jobs[0]
    assert job.description == "email to a***@example.com"
    work_queue(redis_conn)
    message = sent_messages.last_to("alice@example.com")
    assert (message.channel, message.subject, message.body) == ("email", "Reset your password", CODE_TEXT)


def test_after_commit_enqueues_only_what_was_committed(queued, redis_conn, db_session):
    db.session.execute(text("SELECT 1"))  # a service has always touched the database by then
    after_commit(db.session, messaging.send_sms, "+84900000001", "rolled back")
    db.session.rollback()
    assert _queue(redis_conn).count == 0

    after_commit(db.session, messaging.send_sms, "+84900000002", "committed")
    db.session.commit()
    assert [j.meta["to"] for j in _queue(redis_conn).jobs] == ["+849*****002"]


def test_first_failure_is_rescheduled_with_backoff(queued, redis_conn, sent_messages, monkeypatch):
    with fake_provider(status=500) as provider:
        monkeypatch.setitem(queued.config, "SMS_BACKEND", "http")
        monkeypatch.setitem(queued.config, "SMS_API_URL", provider.url)
        messaging.send_sms("+84901234567", CODE_TEXT)
        job_id = _queue(redis_conn).job_ids[0]
        work_queue(redis_conn)

    assert len(provider.payloads) == 1
    queue = _queue(redis_conn)
    assert job_id in queue.scheduled_job_registry.get_job_ids(), "retry waits 10 s in the scheduled registry"
    assert job_id not in queue.failed_job_registry.get_job_ids()
    assert Job.fetch(job_id, connection=redis_conn, serializer=JSONSerializer).retries_left == 2


def test_exhausted_retries_land_in_failed_registry_and_retry_delivers(queued, redis_conn, monkeypatch):
    monkeypatch.setitem(queued.config, "JOB_RETRY_INTERVALS", [])  # retry at once: no 100 s wait
    monkeypatch.setitem(queued.config, "SMS_BACKEND", "http")
    with fake_provider(status=503) as provider:
        monkeypatch.setitem(queued.config, "SMS_API_URL", provider.url)
        messaging.send_sms("+84901234567", CODE_TEXT)
        job_id = _queue(redis_conn).job_ids[0]
        work_queue(redis_conn)

        assert len(provider.payloads) == 4, "one try plus three retries"
        page = jobs.list_failed()
        assert [f.id for f in page.items] == [job_id] and jobs.count_failed() == 1
        failed = page.items[0]
        assert failed.description == "sms to +849*****567" and failed.recipient == "+849*****567"
        assert "503" in failed.error
        assert "482913" not in repr(failed)

        provider.status = 200  # the provider is back
        assert jobs.retry_failed(job_id) is True
        assert jobs.retry_failed(job_id) is False  # not dead any more
        work_queue(redis_conn)

    assert len(provider.payloads) == 5
    assert json.loads(provider.payloads[-1]) == {"to": "+84901234567", "subject": "", "text": CODE_TEXT}
    assert jobs.count_failed() == 0


def test_failed_list_pages_with_a_cursor(queued, redis_conn, monkeypatch):
    monkeypatch.setitem(queued.config, "JOB_RETRY_INTERVALS", [])
    monkeypatch.setitem(queued.config, "JOB_MAX_RETRIES", 1)
    monkeypatch.setitem(queued.config, "SMS_BACKEND", "nonsense")  # every delivery raises
    for n in range(5):
        messaging.send_sms(f"+8490000000{n}", "x")
    work_queue(redis_conn)

    seen, cursor = [], None
    for _ in range(5):
        page = jobs.list_failed(limit=2, cursor=cursor)
        seen += [f.id for f in page.items]
        cursor = page.next_cursor
        if not cursor:
            break
    assert len(seen) == 5 and len(set(seen)) == 5
    assert set(seen) == set(_queue(redis_conn).failed_job_registry.get_job_ids())
    assert jobs.discard_failed(seen[0]) is True and jobs.count_failed() == 4
    assert not Job.exists(seen[0], connection=redis_conn)

    redis_conn.delete(Job.key_for(seen[1]))  # the job's data expired, its registry entry lingers
    assert jobs.retry_failed(seen[1]) is False and jobs.count_failed() == 3


def test_unreachable_redis_falls_back_to_inline_delivery(app, sent_messages, monkeypatch, caplog):
    monkeypatch.setitem(app.config, "REDIS_URL", "redis://127.0.0.1:1/0")
    app.extensions.pop("marketplace_jobs_redis", None)
    enable_app_loggers()
    logger = logging.getLogger("marketplace.jobs")
    logger.addHandler(caplog.handler)  # the "marketplace" loggers don't propagate to the root
    try:
        with app.app_context():
            messaging.send_sms("+84901234567", CODE_TEXT)
    finally:
        logger.removeHandler(caplog.handler)
    app.extensions.pop("marketplace_jobs_redis", None)
    assert sent_messages.last_to("+84901234567").body == CODE_TEXT
    assert "job queue unreachable" in caplog.text and "482913" not in caplog.text


# -- a real `flask worker` process --------------------------------------------------------

@pytest.fixture
def worker_process(app, redis_conn, tmp_path):
    """Start `flask worker` as a separate process whose SMS/email backend is a JSON-lines file."""
    started = []
    env = {key: value for key, value in os.environ.items() if not key.startswith(("SENTRY", "PROMETHEUS"))}
    env.update({
        "MARKETPLACE_ENV": "development", "FLASK_APP": "wsgi", "LOG_LEVEL": "INFO",
        "DATABASE_URL": app.config["SQLALCHEMY_DATABASE_URI"], "REDIS_URL": REDIS_TEST_URL,
        "SMS_BACKEND": "file", "SMS_OUTBOX_FILE": str(tmp_path / "sms.jsonl"),
        "EMAIL_BACKEND": "file", "EMAIL_OUTBOX_FILE": str(tmp_path / "email.jsonl"),
    })

    def start() -> subprocess.Popen:
        log = open(tmp_path / "worker.log", "ab")
        process = subprocess.Popen([sys.executable, "-m", "flask", "worker"], cwd=ROOT, env=env,
                                   stdout=log, stderr=subprocess.STDOUT, start_new_session=True)
        started.append((process, log))
        deadline = time.monotonic() + 30
        while not Worker.all(connection=redis_conn):
            if process.poll() is not None or time.monotonic() > deadline:
                pytest.fail("worker did not start:\n" + (tmp_path / "worker.log").read_text())
            time.sleep(0.2)
        return process

    yield start
    for process, log in started:
        if process.poll() is None:
            os.killpg(process.pid, signal.SIGTERM)  # the group: the scheduler is a child process
            try:
                process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                os.killpg(process.pid, signal.SIGKILL)
                process.wait(timeout=10)
        log.close()


def _wait_for_lines(path: Path, count: int, timeout: float = 30) -> list[dict]:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if path.exists():
            lines = [json.loads(line) for line in path.read_text().splitlines() if line.strip()]
            if len(lines) >= count:
                return lines
        time.sleep(0.2)
    log = path.parent / "worker.log"
    pytest.fail(f"{path.name} did not get {count} message(s) within {timeout} s; worker log:\n"
                + (log.read_text()[-4000:] if log.exists() else "(none)"))


def test_real_worker_delivers_a_queued_sms(queued, redis_conn, worker_process, tmp_path):
    worker_process()
    messaging.send_sms("+84901234567", CODE_TEXT)

    [line] = _wait_for_lines(tmp_path / "sms.jsonl", 1)
    assert (line["channel"], line["to"], line["body"]) == ("sms", "+84901234567", CODE_TEXT)
    assert _queue(redis_conn).count == 0 and jobs.count_failed() == 0
    log = (tmp_path / "worker.log").read_text()
    assert "sms to +849*****567" in log, "the worker should have logged the job"
    assert "482913" not in log, "the worker log must never hold the message text"
    rq_lines = [json.loads(line) for line in log.splitlines() if '"logger": "rq.' in line]
    assert rq_lines and all(line["level"] in {"INFO", "DEBUG", "WARNING"} for line in rq_lines)  # JSON like the app


def test_messages_queued_while_the_worker_is_down_are_delivered_when_it_starts(
    queued, redis_conn, worker_process, tmp_path
):
    assert not Worker.all(connection=redis_conn)
    messaging.send_sms("+84901234567", CODE_TEXT)
    messaging.send_email("bob@example.com", "Your order", "Order T000001 is on its way.")
    assert _queue(redis_conn).count == 2
    assert not (tmp_path / "sms.jsonl").exists()

    worker_process()

    [sms] = _wait_for_lines(tmp_path / "sms.jsonl", 1)
    [email] = _wait_for_lines(tmp_path / "email.jsonl", 1)
    assert sms["body"] == CODE_TEXT
    assert (email["to"], email["subject"]) == ("bob@example.com", "Your order")
    assert _queue(redis_conn).count == 0


def test_the_worker_queues_the_next_hours_settlement_once(queued, redis_conn):
    from datetime import datetime, timezone

    from rq.registry import ScheduledJobRegistry

    now = datetime(2026, 12, 7, 13, 25, tzinfo=timezone.utc)
    jobs.schedule_settlement(now)
    jobs.schedule_settlement(now.replace(minute=59))  # a second worker, or a restart, in the same hour
    registry = ScheduledJobRegistry(jobs.QUEUE_NAME, connection=redis_conn, serializer=JSONSerializer)
    assert registry.get_job_ids() == ["settle-due-2026120714"]
