"""Dead letters for operators: the admin page /admin/jobs and `flask jobs failed|retry`, `flask worker`."""
import pytest
from rq import Queue
from rq.serializers import JSONSerializer
from sqlalchemy import select

from marketplace import jobs, messaging
from marketplace.extensions import db
from marketplace.models import AuditLog, Role
from tests.factories import login, make_user
from tests.jobs_support import work_queue

CODE_TEXT = "Your Marketplace code is 482913."


@pytest.fixture
def dead_job(queued, redis_conn, monkeypatch):
    """One SMS whose every delivery failed: it sits in the failed registry."""
    monkeypatch.setitem(queued.config, "JOB_RETRY_INTERVALS", [])
    monkeypatch.setitem(queued.config, "JOB_MAX_RETRIES", 1)
    monkeypatch.setitem(queued.config, "SMS_BACKEND", "broken")
    messaging.send_sms("+84901234567", CODE_TEXT)
    work_queue(redis_conn)
    [job_id] = jobs.failed_registry().get_job_ids()
    monkeypatch.setitem(queued.config, "SMS_BACKEND", "memory")  # the provider is fixed
    return job_id


@pytest.fixture
def admin(client):
    user = make_user(role=Role.ADMIN)
    login(client, user)
    return user


def test_anonymous_is_sent_to_login(client):
    response = client.get("/admin/jobs")
    assert response.status_code == 302 and "/account/login" in response.headers["Location"]


def test_page_is_for_admins_only(client):
    # (One identity per test: the test's app context, and so `g`, outlives a request.)
    login(client, make_user(role=Role.BUYER))
    response = client.get("/admin/jobs")
    assert response.status_code == 302 and "/admin/jobs" not in response.headers["Location"]
    assert client.post("/admin/jobs/retry-all").status_code == 302
    htmx = client.get("/admin/jobs", headers={"HX-Request": "true"})
    assert htmx.status_code == 403


def test_page_says_when_no_queue_is_configured(client, admin):
    response = client.get("/admin/jobs")
    assert response.status_code == 200
    assert "No job queue is configured" in response.get_data(as_text=True)


def test_page_lists_dead_jobs_without_the_message_text(client, admin, dead_job):
    response = client.get("/admin/jobs")
    html = response.get_data(as_text=True)
    assert response.status_code == 200
    assert dead_job in html and "sms to +849*****567" in html
    assert "unknown sms backend" in html  # the error's last line
    assert "482913" not in html and "+84901234567" not in html


def test_retry_requeues_the_job_audits_it_and_the_worker_delivers(client, admin, dead_job, redis_conn, sent_messages):
    response = client.post(f"/admin/jobs/{dead_job}/retry")
    assert response.status_code == 303 and response.headers["Location"].endswith("/admin/jobs")
    assert Queue(jobs.QUEUE_NAME, connection=redis_conn, serializer=JSONSerializer).job_ids == [dead_job]
    entry = db.session.scalars(select(AuditLog).where(AuditLog.action == "job.retry")).one()
    assert entry.actor_id == admin.id and str(entry.target_id) == dead_job

    work_queue(redis_conn)
    assert sent_messages.last_to("+84901234567").body == CODE_TEXT
    page = client.get("/admin/jobs", follow_redirects=True).get_data(as_text=True)
    assert "No failed jobs" in page

    again = client.post(f"/admin/jobs/{dead_job}/retry", follow_redirects=True)
    assert "no longer in the failed list" in again.get_data(as_text=True)


def test_discard_deletes_the_job(client, admin, dead_job):
    assert client.post(f"/admin/jobs/{dead_job}/discard").status_code == 303
    assert jobs.count_failed() == 0
    assert db.session.scalars(select(AuditLog).where(AuditLog.action == "job.discard")).one().actor_id == admin.id


def test_retry_all(client, admin, dead_job, redis_conn):
    response = client.post("/admin/jobs/retry-all", follow_redirects=True)
    assert "Re-queued 1 job(s)." in response.get_data(as_text=True)
    assert jobs.count_failed() == 0


def test_actions_need_csrf_and_a_uuid(client, admin, dead_job):
    assert client.post(f"/admin/jobs/{dead_job}/retry", csrf=False).status_code == 400
    assert client.post("/admin/jobs/not-a-uuid/retry").status_code == 404
    assert jobs.count_failed() == 1


def test_bad_cursor_and_unreachable_redis_are_explained(client, admin, queued, monkeypatch):
    response = client.get("/admin/jobs?cursor=%%%garbage")
    assert response.status_code == 303
    monkeypatch.setitem(queued.config, "REDIS_URL", "redis://127.0.0.1:1/0")
    response = client.get("/admin/jobs")
    assert response.status_code == 503 and "Redis is unreachable" in response.get_data(as_text=True)
    response = client.post("/admin/jobs/retry-all", follow_redirects=True)
    assert "Redis is unreachable" in response.get_data(as_text=True)


def test_cli_lists_and_retries_failed_jobs(queued, dead_job):
    runner = queued.test_cli_runner()
    listed = runner.invoke(args=["jobs", "failed"])
    assert listed.exit_code == 0, listed.output
    assert "1 failed job(s)" in listed.output and dead_job in listed.output and "sms to +849*****567" in listed.output
    assert "482913" not in listed.output

    assert runner.invoke(args=["jobs", "retry"]).exit_code == 2  # neither an id nor --all
    missing = runner.invoke(args=["jobs", "retry", "00000000-0000-0000-0000-000000000000"])
    assert missing.exit_code == 1 and "No failed job" in missing.output
    retried = runner.invoke(args=["jobs", "retry", dead_job])
    assert retried.exit_code == 0 and f"Re-queued {dead_job}." in retried.output
    assert jobs.count_failed() == 0


def test_cli_without_redis_url_says_so(app):
    runner = app.test_cli_runner()
    for args in (["worker", "--burst"], ["jobs", "failed"], ["jobs", "retry", "--all"]):
        result = runner.invoke(args=args)
        assert result.exit_code == 1 and "REDIS_URL is not set" in result.output


def test_metrics_expose_the_job_queue(client, queued, dead_job, monkeypatch):
    messaging.send_sms("+84900000009", "queued, not yet worked")
    text = client.get("/metrics").get_data(as_text=True)
    assert "marketplace_jobs_redis_up 1.0" in text
    assert 'marketplace_jobs{state="failed"} 1.0' in text
    assert 'marketplace_jobs{state="queued"} 1.0' in text

    monkeypatch.setitem(queued.config, "REDIS_URL", "redis://127.0.0.1:1/0")
    text = client.get("/metrics").get_data(as_text=True)
    assert "marketplace_jobs_redis_up 0.0" in text and "marketplace_jobs{" not in text


def test_metrics_without_a_queue_have_no_job_series(client):
    assert "marketplace_jobs" not in client.get("/metrics").get_data(as_text=True)
