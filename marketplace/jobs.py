"""Background jobs on Redis (RQ): outbound SMS and email leave the request, are retried,
and the ones that still fail wait in RQ's failed registry (the dead letters) for an operator.

Only used when REDIS_URL is set; `messaging` sends inline otherwise. This module plugs its
queue into `messaging` when imported (the app factory imports it for its commands), so the
arrow goes one way: jobs → messaging. Jobs are stored as JSON (never pickle) and carry a
description and meta WITHOUT the message text: the worker logs descriptions, the admin page
shows them, and a text may hold a one-time code.
Successful jobs are deleted at once (result_ttl=0) so a code does not linger in Redis.

Run the worker with `flask worker` (it works inside the app context, so a job sees the
app's config and its SMS/EMAIL backends); inspect dead letters with `flask jobs failed`,
`flask jobs retry` or the admin page /admin/jobs.
"""
from __future__ import annotations

import logging
import os
import time
from contextlib import nullcontext
from dataclasses import dataclass
from datetime import datetime, timedelta, timezone

from flask import Flask, current_app, has_app_context
from redis import Redis
from redis.exceptions import RedisError
from rq import Queue, Retry, Worker
from rq.exceptions import NoSuchJobError
from rq.job import Job
from rq.registry import FailedJobRegistry
from rq.results import Result
from rq.serializers import JSONSerializer

from marketplace import messaging
from marketplace.extensions import redis_options
from marketplace.services.core.paging import Page, decode_cursor, encode_cursor

QUEUE_NAME = "default"
QUEUE_RETRY_AFTER = 30.0  # seconds of inline delivery after the queue's Redis failed
logger = logging.getLogger("marketplace.jobs")
_standalone_app: Flask | None = None


class JobsNotConfigured(RuntimeError):
    """REDIS_URL is empty: there is no queue and nothing to list or retry."""


def _state() -> dict:
    """This app's clients by URL, and until when the queue rests after Redis failed."""
    return current_app.extensions.setdefault("marketplace_jobs_redis", {"clients": {}, "resting_until": 0.0})


def redis_connection() -> Redis:
    """One client (and pool) per app and URL; short timeouts (REDIS_SOCKET_*) so a dead Redis never hangs a request."""
    url = current_app.config.get("REDIS_URL")
    if not url:
        raise JobsNotConfigured("REDIS_URL is not set: messages are sent inline and no job is queued.")
    clients = _state()["clients"]
    if url not in clients:
        clients[url] = Redis.from_url(url, **redis_options(current_app.config))
    return clients[url]


def get_queue() -> Queue:
    return Queue(QUEUE_NAME, connection=redis_connection(), serializer=JSONSerializer)


def failed_registry() -> FailedJobRegistry:
    return FailedJobRegistry(QUEUE_NAME, connection=redis_connection(), serializer=JSONSerializer)


def mask_contact(contact: str) -> str:
    """Enough of a phone or email for an operator to recognise, not enough to reuse."""
    if "@" in contact:
        local, _, domain = contact.partition("@")
        return f"{local[:1]}***@{domain}"
    return contact[:4] + "*" * max(len(contact) - 7, 0) + contact[-3:] if len(contact) > 7 else "***"


# -- producing --------------------------------------------------------------------------

def enqueue_message(message: messaging.Message) -> Job | None:
    """Queue one SMS/email for the worker; None when Redis is unreachable (the caller sends inline).

    After a failure the queue rests for QUEUE_RETRY_AFTER seconds: the messages of that time go
    out inline at once instead of each waiting for a Redis that hangs.
    """
    config = current_app.config
    masked = mask_contact(message.to)
    state = _state()
    if time.monotonic() < state["resting_until"]:
        return None
    try:
        return get_queue().enqueue(
            deliver_message, message.channel, message.to, message.subject, message.body,
            description=f"{message.channel} to {masked}",
            meta={"channel": message.channel, "to": masked},
            retry=Retry(max=config["JOB_MAX_RETRIES"], interval=config["JOB_RETRY_INTERVALS"] or 0),
            result_ttl=0,
            failure_ttl=config["JOB_FAILURE_TTL"],
        )
    except RedisError:
        state["resting_until"] = time.monotonic() + QUEUE_RETRY_AFTER
        logger.warning("job queue unreachable, sending the %s to %s inline (and all messages for %.0f s)",
                       message.channel, masked, QUEUE_RETRY_AFTER, exc_info=True)
        return None


messaging.use_queue(enqueue_message)


# -- consuming --------------------------------------------------------------------------

def deliver_message(channel: str, to: str, subject: str, body: str) -> None:
    """The job: deliver one message with the backend configured in this (worker) process."""
    with _app_context():
        messaging.deliver(messaging.Message(channel, to, body, subject))


def _app_context():
    """`flask worker` already runs in the app context; a bare `rq worker` builds the app once."""
    global _standalone_app
    if has_app_context():
        return nullcontext()
    if _standalone_app is None:
        from marketplace import create_app

        _standalone_app = create_app()
    return _standalone_app.app_context()


def run_worker(burst: bool = False, with_scheduler: bool = True) -> bool:
    """Work the queue inside the current app context until stopped (or until empty with `burst`).

    The scheduler re-queues retries whose interval has passed, so keep it on unless another
    worker on the same Redis runs it (RQ elects one scheduler per queue anyway).
    """
    from marketplace.extensions import db

    redis_connection()  # raises JobsNotConfigured with a clear message
    # RQ's own lines (job started, failed, retried) as JSON like the app's; RQ then adds no handler.
    rq_logger = logging.getLogger("rq")
    rq_logger.handlers[:] = logging.getLogger("marketplace").handlers
    rq_logger.propagate = False
    engine = db.engine
    schedule_settlement()  # starts (or keeps) the hourly settlement chain
    # RQ forks a work horse per job: it must not reuse the parent's pooled DB connections.
    os.register_at_fork(after_in_child=lambda: engine.dispose(close=False))
    worker = Worker([QUEUE_NAME], connection=Redis.from_url(current_app.config["REDIS_URL"]),
                    serializer=JSONSerializer)
    return worker.work(burst=burst, with_scheduler=with_scheduler, logging_level=current_app.config["LOG_LEVEL"])


# -- the payment hold ------------------------------------------------------------------

def schedule_payment_expiry(hold_until: datetime) -> None:
    """Queue the sweep for a second after a payment's hold ends (the worker's scheduler starts it).
    Without Redis nothing is queued: `flask payments expire` run by cron does the same work."""
    try:
        get_queue().enqueue_at(hold_until + timedelta(seconds=1), expire_payments,
                               description="expire unpaid online checkouts", result_ttl=0,
                               failure_ttl=current_app.config["JOB_FAILURE_TTL"])
    except JobsNotConfigured:
        return  # no worker to run it: `flask payments expire` from cron does
    except RedisError:
        logger.warning("could not queue the payment expiry: `flask payments expire` must run", exc_info=True)


def expire_payments() -> int:
    """The job: cancel the orders of every payment whose hold has ended (services/payments)."""
    from marketplace.services.payments.payments import expire_due
    from marketplace.web import unit_of_work

    with _app_context(), unit_of_work.transaction():
        return expire_due()


# -- settlement ------------------------------------------------------------------------
# Strategy: a chain of hourly jobs. The worker queues the next hour's sweep when it starts, and each
# sweep queues the one after it; the job id names its hour ("settle-due-2026120714"), so a worker
# restarted, two workers, or a sweep queued twice make one job per hour. An hour is far finer than
# SETTLEMENT_DAYS, and a missed hour (Redis down) is caught up by the next sweep, which settles
# everything due. Deployments without Redis run `flask ledger settle` from cron (hourly or daily).
SETTLEMENT_INTERVAL = timedelta(hours=1)


def schedule_settlement(now: datetime | None = None) -> None:
    """Queue the sweep of the next full hour (once: its id names the hour)."""
    now = now or datetime.now(timezone.utc)
    at = now.replace(minute=0, second=0, microsecond=0) + SETTLEMENT_INTERVAL
    try:
        get_queue().enqueue_at(at, settle_due_job, job_id=f"settle-due-{at:%Y%m%d%H}",
                               description="settle delivered orders", result_ttl=0,
                               failure_ttl=current_app.config["JOB_FAILURE_TTL"])
    except JobsNotConfigured:
        return  # no worker to run it: `flask ledger settle` from cron does
    except RedisError:
        logger.warning("could not queue the settlement: `flask ledger settle` must run", exc_info=True)


def settle_due_job() -> int:
    """The job: settle every delivered order that is due (services/ledger/settlement), then queue the next."""
    from marketplace.services.ledger.settlement import settle_due
    from marketplace.web import unit_of_work

    with _app_context():
        with unit_of_work.transaction():
            settled = settle_due()
        schedule_settlement()
        return settled


# -- refunds and returns -----------------------------------------------------------------

def dispatch_refund(refund_id) -> None:
    """After a refund's decision is committed: queue its sending to the provider, or (no Redis, or
    Redis down) send it once the response is out. `flask refunds send` retries what stays OWED."""
    from marketplace.services.core.effects import after_response

    config = current_app.config
    try:
        get_queue().enqueue(send_refund, str(refund_id), description=f"refund {refund_id}", result_ttl=0,
                            retry=Retry(max=config["JOB_MAX_RETRIES"], interval=config["JOB_RETRY_INTERVALS"] or 0),
                            failure_ttl=config["JOB_FAILURE_TTL"])
        return
    except JobsNotConfigured:
        pass
    except RedisError:
        logger.warning("could not queue refund %s: sending it inline", refund_id, exc_info=True)
    after_response(_send_refund_in, current_app._get_current_object(), str(refund_id))


def _send_refund_in(app: Flask, refund_id: str) -> None:
    # A fresh app context is a fresh database session: this may run inside the commit that decided it.
    with app.app_context():
        send_refund(refund_id)


def send_refund(refund_id: str):
    """The job: ask the provider for one OWED online refund (services/payments/refunding.py)."""
    import uuid

    from marketplace.services.payments import refunding
    from marketplace.web import unit_of_work

    with _app_context(), unit_of_work.transaction():
        return refunding.send(uuid.UUID(str(refund_id))).status


def send_owed_refunds() -> dict[str, int]:
    """`flask refunds send`: every online refund still OWED, each in its own transaction."""
    from marketplace.services.payments import refunding

    outcomes: dict[str, int] = {}
    with _app_context():
        for refund_id in refunding.owed_online(limit=10_000):
            try:
                status = send_refund(str(refund_id))
            except Exception:  # one refund's trouble must not stop the others
                logger.exception("refund %s not sent", refund_id)
                status = "ERROR"
            outcomes[status] = outcomes.get(status, 0) + 1
    return outcomes


def schedule_returns_sweep(respond_by: datetime) -> None:
    """Queue the returns sweep for just after a seller's deadline; without Redis `flask returns sweep`
    (cron) does the same work."""
    try:
        get_queue().enqueue_at(respond_by + timedelta(seconds=1), sweep_returns,
                               description="send unanswered returns to the admin", result_ttl=0,
                               failure_ttl=current_app.config["JOB_FAILURE_TTL"])
    except JobsNotConfigured:
        return
    except RedisError:
        logger.warning("could not queue the returns sweep: `flask returns sweep` must run", exc_info=True)


def sweep_returns() -> int:
    """The job: returns the seller left unanswered past their deadline go to the admin (DISPUTED)."""
    from marketplace.services.returns.returns import dispute_unanswered
    from marketplace.web import unit_of_work

    with _app_context(), unit_of_work.transaction():
        return dispute_unanswered()


def _register_money_hooks() -> None:
    from marketplace.services.ledger import refunds
    from marketplace.services.returns import returns

    refunds.use_sender(dispatch_refund)
    returns.use_sweep_scheduler(schedule_returns_sweep)


_register_money_hooks()


# -- dead letters -----------------------------------------------------------------------

@dataclass(frozen=True)
class FailedJob:
    id: str
    description: str
    channel: str
    recipient: str
    enqueued_at: datetime | None
    failed_at: datetime | None
    error: str


def count_failed() -> int:
    return failed_registry().count


def list_failed(limit: int = 50, cursor: str | None = None) -> Page[FailedJob]:
    """Newest failures first, keyset-paginated on (expiry score, job id) like the SQL listings.

    Raises InvalidCursor for a tampered cursor.
    """
    registry = failed_registry()
    conn = registry.connection
    after = decode_cursor(cursor)
    now = datetime.now(timezone.utc).timestamp()  # lower scores have expired and are being cleaned up
    if after:
        score, last_id = float(after[0]), str(after[1])
        ties = conn.zcount(registry.key, score, score)
        rows = conn.zrevrangebyscore(registry.key, score, now, start=0, num=limit + 1 + ties, withscores=True)
        rows = [(m.decode(), s) for m, s in rows if s < score or m.decode() < last_id]
    else:
        rows = [(m.decode(), s) for m, s in
                conn.zrevrangebyscore(registry.key, "+inf", now, start=0, num=limit + 1, withscores=True)]
    page, more = rows[:limit], len(rows) > limit
    jobs = Job.fetch_many([job_id for job_id, _ in page], connection=conn, serializer=JSONSerializer)
    items = [_describe(job_id, job) for (job_id, _), job in zip(page, jobs)]
    next_cursor = encode_cursor([page[-1][1], page[-1][0]]) if more and page else None
    return Page(items=items, next_cursor=next_cursor)


def _describe(job_id: str, job: Job | None) -> FailedJob:
    if job is None:  # its hash expired before the registry was cleaned
        return FailedJob(job_id, "(expired)", "", "", None, None, "")
    meta = job.meta or {}
    result = job.latest_result()
    trace = result.exc_string if result is not None and result.type == Result.Type.FAILED else ""
    # The last line of the traceback: the exception, never the job's arguments.
    error_lines = [line for line in (trace or "").strip().splitlines() if line.strip()]
    return FailedJob(
        id=job.id, description=job.description or "", channel=meta.get("channel", ""),
        recipient=meta.get("to", ""), enqueued_at=job.enqueued_at, failed_at=job.ended_at,
        error=error_lines[-1][:300] if error_lines else "",
    )


def retry_failed(job_id: str) -> bool:
    """Put one dead job back on its queue with a fresh retry budget; False if it is not dead."""
    registry = failed_registry()
    if registry.connection.zscore(registry.key, job_id) is None:
        return False
    try:
        job = Job.fetch(job_id, connection=registry.connection, serializer=JSONSerializer)
    except NoSuchJobError:  # its data expired before the registry entry: nothing left to send
        registry.remove(job_id)
        return False
    job.retries_left = current_app.config["JOB_MAX_RETRIES"]
    job.save()
    registry.requeue(job)
    return True


def retry_all_failed() -> int:
    return sum(retry_failed(job_id) for job_id in failed_registry().get_job_ids())


def discard_failed(job_id: str) -> bool:
    """Delete one dead job for good (e.g. an OTP that is long expired); False if it is not dead."""
    registry = failed_registry()
    if registry.connection.zscore(registry.key, job_id) is None:
        return False
    registry.remove(job_id, delete_job=True)
    return True


# -- commands ---------------------------------------------------------------------------

def register_commands(app: Flask) -> None:
    import click
    from flask.cli import AppGroup

    @app.cli.command("worker")
    @click.option("--burst", is_flag=True, help="Exit once the queue is empty.")
    @click.option("--scheduler/--no-scheduler", default=True, help="Also re-queue retries that are due.")
    def worker_command(burst: bool, scheduler: bool) -> None:
        """Run a background worker for the REDIS_URL queue (SMS and email)."""
        try:
            run_worker(burst=burst, with_scheduler=scheduler)
        except JobsNotConfigured as exc:
            raise click.ClickException(str(exc)) from exc

    group = AppGroup("jobs", help="Dead letters: background jobs that failed after every retry.")

    @group.command("failed")
    @click.option("--limit", default=50, show_default=True)
    def failed_command(limit: int) -> None:
        """List failed jobs, newest first (never the message text)."""
        try:
            page = list_failed(limit=limit)
            total = count_failed()
        except JobsNotConfigured as exc:
            raise click.ClickException(str(exc)) from exc
        click.echo(f"{total} failed job(s)")
        for job in page.items:
            when = job.failed_at.isoformat(timespec="seconds") if job.failed_at else "-"
            click.echo(f"{job.id}  {when}  {job.description}  {job.error}")

    @group.command("retry")
    @click.argument("job_id", required=False)
    @click.option("--all", "retry_all", is_flag=True, help="Retry every failed job.")
    def retry_command(job_id: str | None, retry_all: bool) -> None:
        """Put a failed job (or --all) back on the queue."""
        if bool(job_id) == retry_all:
            raise click.UsageError("Give a JOB_ID or --all.")
        try:
            if retry_all:
                click.echo(f"Re-queued {retry_all_failed()} job(s).")
            elif retry_failed(job_id):
                click.echo(f"Re-queued {job_id}.")
            else:
                raise click.ClickException(f"No failed job {job_id}.")
        except JobsNotConfigured as exc:
            raise click.ClickException(str(exc)) from exc

    app.cli.add_command(group)

    refunds_group = AppGroup("refunds", help="Refunds to buyers.")

    @refunds_group.command("send")
    def refunds_send_command() -> None:
        """Send every online refund still OWED to its provider (what the worker's job does)."""
        outcomes = send_owed_refunds()
        click.echo(", ".join(f"{status}: {count}" for status, count in sorted(outcomes.items()))
                   or "No refund to send.")

    returns_group = AppGroup("returns", help="Returns of delivered orders.")

    @returns_group.command("sweep")
    def returns_sweep_command() -> None:
        """Send returns the seller left unanswered past RETURN_RESPONSE_DAYS to the admin."""
        click.echo(f"Disputed {sweep_returns()} unanswered return(s).")

    app.cli.add_command(refunds_group)
    app.cli.add_command(returns_group)
