"""Every admin route (GET and POST, the shops queue's included) refuses anyone who is not an admin."""
import re
import uuid

import pytest

from marketplace import create_app
from tests.admin_support import htmx, login, make_admin, make_seller
from tests.conftest import make_test_config
from tests.factories import make_user


def _admin_routes() -> list[tuple[str, str]]:
    """(method, url) for every rule under /admin, read from the real URL map (no database needed)."""
    app = create_app(make_test_config("postgresql://unused@127.0.0.1:1/unused"))
    routes = []
    for rule in app.url_map.iter_rules():
        if not rule.rule.startswith("/admin"):
            continue
        values = {name: uuid.uuid4() if type(conv).__name__ == "UUIDConverter" else "x"
                  for name, conv in rule._converters.items()}
        with app.test_request_context():
            from flask import url_for

            url = url_for(rule.endpoint, **values)
        routes += [(method, url) for method in sorted(rule.methods - {"HEAD", "OPTIONS"})]
    return routes


ADMIN_ROUTES = _admin_routes()
_UUID = re.compile(r"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}")  # ids stable run to run
ROUTE_IDS = [_UUID.sub("<id>", f"{method} {url.split('/admin', 1)[1] or '/'}") for method, url in ADMIN_ROUTES]


def test_the_admin_console_has_its_pages():
    urls = {url for _, url in ADMIN_ROUTES}
    assert {"/admin/", "/admin/users", "/admin/products", "/admin/categories", "/admin/audit"} <= urls
    assert any(method == "POST" for method, _ in ADMIN_ROUTES)


@pytest.fixture(params=["buyer", "seller"])
def non_admin(request):
    return make_user() if request.param == "buyer" else make_seller()


@pytest.mark.parametrize("method, url", ADMIN_ROUTES, ids=ROUTE_IDS)
def test_non_admin_full_page_is_sent_home_with_a_message(client, non_admin, method, url):
    login(client, non_admin)
    response = client.open(url, method=method, data={"reason": "x", "name": "x"})
    assert response.status_code == 302
    assert response.headers["Location"] == "/"
    home = client.get("/")
    assert "Only administrators can do that." in home.get_data(as_text=True)


@pytest.mark.parametrize("method, url", ADMIN_ROUTES, ids=ROUTE_IDS)
def test_non_admin_htmx_and_json_get_403(client, non_admin, method, url):
    login(client, non_admin)
    response = client.open(url, method=method, headers=htmx("main"), data={"reason": "x"})
    assert response.status_code == 403
    assert "Only administrators" in response.get_data(as_text=True)


@pytest.mark.parametrize("method, url", ADMIN_ROUTES, ids=ROUTE_IDS)
def test_anonymous_is_sent_to_login_or_gets_401(client, method, url):
    page = client.open(url, method=method)
    assert page.status_code == 302
    assert page.headers["Location"].startswith("/account/login?next=")
    fragment = client.open(url, method=method, headers=htmx("main"))
    assert fragment.status_code == 401


@pytest.mark.parametrize("method, url", [r for r in ADMIN_ROUTES if r[0] == "POST"],
                         ids=[i for i, r in zip(ROUTE_IDS, ADMIN_ROUTES) if r[0] == "POST"])
def test_admin_post_without_csrf_token_is_refused(client, method, url):
    login(client, make_admin())
    response = client.open(url, method=method, data={"reason": "x"}, csrf=False)
    assert response.status_code == 400


def test_an_admin_gets_in(client):
    login(client, make_admin())
    assert client.get("/admin/").status_code == 200
