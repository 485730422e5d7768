"""Prometheus metrics: HTTP traffic per route template, plus business counters.

Other areas count business events with the small functions below, after the commit
(e.g. `after_commit(db.session, metrics.order_placed, len(orders))`), so a rolled-back
checkout is never counted as placed:

    metrics.order_placed(n=1)          marketplace_orders_placed_total
    metrics.checkout_failed("out_of_stock")   marketplace_checkout_failures_total{reason}

/metrics is served only to an address in METRICS_ALLOWED_IPS that did not come through
a proxy, or to a request with `Authorization: Bearer <METRICS_TOKEN>`.

Several gunicorn workers: set PROMETHEUS_MULTIPROC_DIR to an empty directory (wiped
at each start; gunicorn.conf.py marks dead workers) and /metrics adds up every worker.
"""
import hmac
import ipaddress
import os
import re
import time

from flask import Flask, Response, abort, current_app, g, has_app_context, request
from prometheus_client import REGISTRY, CollectorRegistry, Counter, Histogram
from prometheus_client.exposition import choose_encoder

REQUESTS = Counter(
    "marketplace_http_requests", "HTTP requests answered, by route template, method and status.",
    ["method", "route", "status"],
)
LATENCY = Histogram(
    "marketplace_http_request_duration_seconds", "Time to answer an HTTP request, by route template.",
    ["method", "route", "status"],
    buckets=(0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0),
)
ORDERS_PLACED = Counter("marketplace_orders_placed", "Shop orders placed (a checkout may place several).")
CHECKOUT_FAILURES = Counter(
    "marketplace_checkout_failures", "Checkouts refused, by reason (the DomainError code).", ["reason"],
)
_PROXY_HEADERS = ("X-Forwarded-For", "X-Real-IP", "Forwarded")


class JobQueueCollector:
    """Read at scrape time from Redis: jobs waiting, waiting to retry, and dead (alert when > 0)."""

    def describe(self):
        return []  # names vary with the config; nothing to check for clashes at registration

    def collect(self):
        from prometheus_client.core import GaugeMetricFamily
        from redis.exceptions import RedisError

        if not has_app_context() or not current_app.config.get("REDIS_URL"):
            return
        from marketplace import jobs

        up = GaugeMetricFamily("marketplace_jobs_redis_up", "1 when the job queue's Redis answered this scrape.")
        try:
            queue = jobs.get_queue()
            counts = {"queued": queue.count, "scheduled": queue.scheduled_job_registry.count,
                      "failed": queue.failed_job_registry.count}
        except RedisError:
            up.add_metric([], 0)
            yield up
            return
        up.add_metric([], 1)
        yield up
        gauge = GaugeMetricFamily("marketplace_jobs", "Background jobs by state (failed = dead letters).",
                                  labels=["state"])
        for state, count in counts.items():
            gauge.add_metric([state], count)
        yield gauge


JOB_QUEUE = JobQueueCollector()
REGISTRY.register(JOB_QUEUE)


def order_placed(n: int = 1) -> None:
    ORDERS_PLACED.inc(n)


def checkout_failed(reason: str) -> None:
    CHECKOUT_FAILURES.labels(reason=_label(reason)).inc()


def _label(value: str) -> str:
    # Reasons are error codes; anything else is squeezed so it cannot blow up the series count.
    return re.sub(r"[^a-z0-9_]+", "_", str(value).lower())[:40] or "unknown"


def init_app(app: Flask) -> None:
    app.before_request(_start_timer)
    app.after_request(_observe)
    app.add_url_rule("/metrics", "metrics", metrics_view, methods=["GET"])
    from marketplace.extensions import limiter

    limiter.exempt(metrics_view)


def _start_timer() -> None:
    g.metrics_started = time.perf_counter()


def _observe(response):
    started = g.pop("metrics_started", None)
    # The rule, not the path: /products/<uuid:id> is one series, not one per product.
    route = request.url_rule.rule if request.url_rule else "unmatched"
    labels = (request.method, route, str(response.status_code))
    REQUESTS.labels(*labels).inc()
    if started is not None:
        LATENCY.labels(*labels).observe(time.perf_counter() - started)
    return response


def metrics_view():
    """Prometheus scrapers (allowed address or bearer token): every metric in text format."""
    if not _allowed():
        abort(403)
    if os.environ.get("PROMETHEUS_MULTIPROC_DIR"):
        from prometheus_client import multiprocess

        registry = CollectorRegistry()
        multiprocess.MultiProcessCollector(registry)
        registry.register(JOB_QUEUE)
    else:
        registry = REGISTRY
    # Prometheus says in Accept which format it wants (classic text or OpenMetrics).
    encoder, content_type = choose_encoder(request.headers.get("Accept", ""))
    return Response(encoder(registry), headers={"Content-Type": content_type, "Cache-Control": "no-store"})


def _allowed() -> bool:
    token = current_app.config.get("METRICS_TOKEN", "")
    header = request.headers.get("Authorization", "")
    if token and header.startswith("Bearer ") and hmac.compare_digest(header[7:].encode(), token.encode()):
        return True
    # Behind nginx every request comes from 127.0.0.1: a proxied request never passes on its address.
    if any(name in request.headers for name in _PROXY_HEADERS):
        return False
    try:
        address = ipaddress.ip_address(request.remote_addr or "")
    except ValueError:
        return False
    for allowed in current_app.config.get("METRICS_ALLOWED_IPS", []):
        try:
            if address in ipaddress.ip_network(allowed, strict=False):
                return True
        except ValueError:
            continue
    return False
