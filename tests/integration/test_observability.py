"""What operators see: /metrics, the JSON request log, error and slow-query logs, Sentry, gzip."""
import gzip
import json
from unittest import mock

import pytest
from prometheus_client.parser import text_string_to_metric_families
from sqlalchemy import text

from marketplace import create_app, metrics
from marketplace.extensions import db
from tests.conftest import make_test_config
from tests.factories import login, make_user
from tests.log_support import json_log


def scrape(client, **kwargs) -> dict:
    response = client.get("/metrics", **kwargs)
    assert response.status_code == 200, response.status_code
    assert response.headers["Content-Type"].startswith("text/plain; version=0.0.4")
    samples = {}
    for family in text_string_to_metric_families(response.get_data(as_text=True)):
        for sample in family.samples:
            samples[(sample.name, tuple(sorted(sample.labels.items())))] = sample.value
    return samples


def value(samples: dict, name: str, **labels) -> float:
    return samples.get((name, tuple(sorted(labels.items()))), 0.0)


# -- /metrics -------------------------------------------------------------------------------

def test_metrics_count_requests_by_route_template_method_and_status(client):
    health = {"method": "GET", "route": "/health", "status": "200"}
    missing = {"method": "GET", "route": "unmatched", "status": "404"}
    before = scrape(client)
    client.get("/health")
    client.get("/health")
    client.get("/no-such-page-1")
    client.get("/no-such-page-2")
    after = scrape(client)

    assert value(after, "marketplace_http_requests_total", **health) - value(before, "marketplace_http_requests_total", **health) == 2
    assert value(after, "marketplace_http_requests_total", **missing) - value(before, "marketplace_http_requests_total", **missing) == 2
    hist = "marketplace_http_request_duration_seconds_count"
    assert value(after, hist, **health) - value(before, hist, **health) == 2
    assert value(after, "marketplace_http_request_duration_seconds_bucket", le="10.0", **health) >= 2
    assert not any("no-such-page" in str(key) for key in after), "paths must not become label values"


def test_route_label_is_the_template_not_the_path(client):
    client.get("/media/products/abc.webp")
    client.get("/media/products/def.webp")
    samples = scrape(client)
    routes = {dict(labels).get("route") for name, labels in samples if name == "marketplace_http_requests_total"}
    assert any(route and "<" in route for route in routes)
    assert not any(route and "abc.webp" in route for route in routes)


def test_business_counters(client):
    before = scrape(client)
    metrics.order_placed()
    metrics.order_placed(2)
    metrics.checkout_failed("out_of_stock")
    metrics.checkout_failed("Voucher Used-Up!")
    after = scrape(client)
    assert value(after, "marketplace_orders_placed_total") - value(before, "marketplace_orders_placed_total") == 3
    failures = "marketplace_checkout_failures_total"
    assert value(after, failures, reason="out_of_stock") - value(before, failures, reason="out_of_stock") == 1
    assert value(after, failures, reason="voucher_used_up_") - value(before, failures, reason="voucher_used_up_") == 1


@pytest.mark.parametrize("environ, headers, status", [
    ({"REMOTE_ADDR": "127.0.0.1"}, {}, 200),
    ({"REMOTE_ADDR": "203.0.113.9"}, {}, 403),
    ({"REMOTE_ADDR": "127.0.0.1"}, {"X-Forwarded-For": "203.0.113.9"}, 403),  # came through nginx
    ({"REMOTE_ADDR": "127.0.0.1"}, {"X-Real-IP": "127.0.0.1"}, 403),
    ({"REMOTE_ADDR": "203.0.113.9"}, {"Authorization": "Bearer s3cret-scrape-token"}, 200),
    ({"REMOTE_ADDR": "127.0.0.1"}, {"X-Forwarded-For": "1.2.3.4", "Authorization": "Bearer s3cret-scrape-token"}, 200),
    ({"REMOTE_ADDR": "203.0.113.9"}, {"Authorization": "Bearer wrong"}, 403),
    ({"REMOTE_ADDR": "203.0.113.9"}, {"Authorization": "s3cret-scrape-token"}, 403),
])
def test_metrics_are_protected(client, app, monkeypatch, environ, headers, status):
    monkeypatch.setitem(app.config, "METRICS_TOKEN", "s3cret-scrape-token")
    response = client.get("/metrics", environ_base=environ, headers=headers)
    assert response.status_code == status
    if status == 403:
        assert b"marketplace_http_requests" not in response.data


def test_metrics_allow_listed_network_and_no_token_configured(client, app, monkeypatch):
    monkeypatch.setitem(app.config, "METRICS_ALLOWED_IPS", ["10.0.0.0/8", "not-an-ip"])
    assert client.get("/metrics", environ_base={"REMOTE_ADDR": "10.1.2.3"}).status_code == 200
    assert client.get("/metrics", environ_base={"REMOTE_ADDR": "127.0.0.1"}).status_code == 403
    # An empty METRICS_TOKEN never matches an empty bearer.
    assert client.get("/metrics", environ_base={"REMOTE_ADDR": "203.0.113.9"},
                      headers={"Authorization": "Bearer "}).status_code == 403


# -- logs -------------------------------------------------------------------------------------

def test_each_request_writes_one_json_line(client):
    with json_log("marketplace.access") as lines:
        client.get("/health", headers={"X-Request-ID": "req-abc-123"})
    [line] = lines
    assert line["logger"] == "marketplace.access" and line["level"] == "INFO"
    assert line["request_id"] == "req-abc-123"
    assert (line["method"], line["path"], line["route"], line["status"]) == ("GET", "/health", "/health", 200)
    assert isinstance(line["duration_ms"], (int, float)) and line["duration_ms"] >= 0
    assert line["user_id"] is None


def test_request_line_carries_the_user_and_never_the_query_string(client):
    user = make_user()
    login(client, user)
    with json_log("marketplace.access") as lines:
        response = client.get("/health?token=secret-in-url")
    assert response.headers["X-Request-ID"] == lines[0]["request_id"] and len(lines[0]["request_id"]) == 32
    assert lines[0]["user_id"] == str(user.id)
    assert "secret-in-url" not in json.dumps(lines)


@pytest.fixture(scope="module")
def extra_app(app):
    """A second app on the same database, with a slow-query threshold of 30 ms and a failing route."""
    other = create_app(make_test_config(app.config["SQLALCHEMY_DATABASE_URI"], SLOW_QUERY_MS=30))

    @other.get("/boom")
    def boom():
        return 1 / 0

    yield other
    with other.app_context():
        db.engine.dispose()


def test_unhandled_error_is_logged_with_its_stack_trace(extra_app):
    with json_log() as lines:
        response = extra_app.test_client().get("/boom", headers={"X-Request-ID": "err-req-1"})
    assert response.status_code == 500
    [error] = [line for line in lines if line["level"] == "ERROR"]
    assert error["request_id"] == "err-req-1"
    assert "ZeroDivisionError" in error["exc_info"] and "Traceback" in error["exc_info"]
    access = [line for line in lines if line["logger"] == "marketplace.access"]
    assert access[0]["status"] == 500


def test_slow_queries_are_logged_without_their_parameters(extra_app):
    with extra_app.app_context(), json_log("marketplace.sql") as lines:
        with db.engine.connect() as conn:
            conn.execute(text("SELECT 1"))
            conn.execute(text("SELECT pg_sleep(0.06), CAST(:secret AS text)"), {"secret": "hunter2-password"})
    [slow] = lines
    assert slow["level"] == "WARNING" and slow["message"].startswith("slow query ")
    assert "pg_sleep" in slow["message"] and float(slow["message"].split()[2]) >= 60
    assert "hunter2" not in slow["message"]


def test_sentry_is_initialised_only_with_a_dsn_and_without_personal_data(app):
    url = app.config["SQLALCHEMY_DATABASE_URI"]
    with mock.patch("sentry_sdk.init") as init:
        create_app(make_test_config(url))
        assert not init.called
        create_app(make_test_config(url, SENTRY_DSN="https://public@sentry.example/1", APP_VERSION="9.9.9"))
    init.assert_called_once()
    options = init.call_args.kwargs
    assert options["dsn"] == "https://public@sentry.example/1" and options["release"] == "9.9.9"
    assert options["send_default_pii"] is False
    assert options["include_local_variables"] is False  # frames may hold passwords and codes
    assert options["max_request_body_size"] == "never"


# -- compression ------------------------------------------------------------------------------

def test_html_and_json_are_gzipped_when_the_client_accepts_it(client):
    page = client.get("/", headers={"Accept-Encoding": "gzip"})
    assert page.status_code == 200 and page.headers["Content-Encoding"] == "gzip"
    assert "Accept-Encoding" in page.headers.get("Vary", "")
    assert b"<!doctype html>" in gzip.decompress(page.data).lower()

    api = client.get("/api/v1/openapi.json", headers={"Accept-Encoding": "gzip"})
    assert api.headers["Content-Encoding"] == "gzip"
    assert json.loads(gzip.decompress(api.data))["openapi"].startswith("3.")

    plain = client.get("/")
    assert "Content-Encoding" not in plain.headers and b"<!doctype html>" in plain.data.lower()


def test_behind_a_trusted_proxy_logs_and_limits_see_the_client_address(app):
    proxied = create_app(make_test_config(app.config["SQLALCHEMY_DATABASE_URI"], TRUSTED_PROXIES=1))
    client = proxied.test_client()
    with json_log("marketplace.access") as lines:
        client.get("/health", headers={"X-Forwarded-For": "198.51.100.7", "X-Forwarded-Proto": "https"})
    assert lines[0]["remote_addr"] == "198.51.100.7"
    # A client that claims to be 127.0.0.1 through the proxy still can't read /metrics.
    assert client.get("/metrics", headers={"X-Forwarded-For": "127.0.0.1"}).status_code == 403
    with proxied.app_context():
        db.engine.dispose()


def test_metrics_speak_openmetrics_when_asked(client):
    response = client.get("/metrics", headers={"Accept": "application/openmetrics-text; version=1.0.0"})
    assert response.headers["Content-Type"].startswith("application/openmetrics-text")
    assert response.get_data(as_text=True).rstrip().endswith("# EOF")


def test_compression_can_be_left_to_nginx(app):
    quiet = create_app(make_test_config(app.config["SQLALCHEMY_DATABASE_URI"], COMPRESS_REGISTER=False))
    response = quiet.test_client().get("/api/v1/openapi.json", headers={"Accept-Encoding": "gzip"})
    assert response.status_code == 200 and "Content-Encoding" not in response.headers
    with quiet.app_context():
        db.engine.dispose()
