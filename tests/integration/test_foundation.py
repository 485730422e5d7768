"""The ground every area stands on: health, security headers, error pages, static caching.

/health when the database is down or frozen: tests/integration/test_health.py."""


def test_health_reports_version_and_database(client, app):
    response = client.get("/health")
    assert response.status_code == 200
    assert response.get_json() == {"status": "ok", "version": app.config["APP_VERSION"], "database": "ok"}


def test_pages_carry_security_headers_and_request_id(client):
    response = client.get("/")
    assert response.status_code == 200
    csp = response.headers["Content-Security-Policy"]
    assert "script-src 'self'" in csp and "frame-ancestors 'none'" in csp and "unsafe-inline" not in csp
    assert response.headers["X-Frame-Options"] == "DENY"
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert len(response.headers["X-Request-ID"]) == 32


def test_html_has_no_cors_headers_and_api_only_for_configured_origins(client):
    page = client.get("/", headers={"Origin": "https://evil.example"})
    assert "Access-Control-Allow-Origin" not in page.headers
    api = client.get("/api/v1/auth/csrf", headers={"Origin": "https://evil.example"})
    assert "Access-Control-Allow-Origin" not in api.headers


def test_unknown_page_is_friendly_404_and_json_under_api(client):
    page = client.get("/no-such-page")
    assert page.status_code == 404
    assert b"couldn&#39;t find that page" in page.data or b"couldn't find that page" in page.data
    api = client.get("/api/v1/no-such-thing")
    assert api.status_code == 404
    assert api.get_json()["error"]["code"] == "not_found"


def test_missing_csrf_token_is_refused(client):
    # Routes that take a POST: a route that doesn't answers 405 before any token is looked at.
    response = client.post("/api/v1/auth/login", json={"login": "a@example.com", "password": "x"}, csrf=False)
    assert response.status_code == 400 and response.get_json()["error"]["code"] == "csrf_failed"
    assert client.post("/account/login", data={"login": "a@example.com", "password": "x"}, csrf=False).status_code == 400


def test_static_files_are_fingerprinted_and_cached_for_a_year(client):
    page = client.get("/").get_data(as_text=True)
    assert "/static/css/app.css?v=" in page
    response = client.get("/static/css/app.css")
    assert "max-age=31536000" in response.headers["Cache-Control"]


def test_openapi_document_and_docs_page(client):
    document = client.get("/api/v1/openapi.json").get_json()
    assert document["openapi"].startswith("3.")
    assert "/api/v1/auth/csrf" in document["paths"]
    docs = client.get("/api/v1/docs")
    assert docs.status_code == 200 and b"swagger-ui" in docs.data
