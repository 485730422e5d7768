"""Admin shop approval queue: pending first, filters, and every action in place (htmx) or PRG."""
import re
from datetime import timedelta
from urllib.parse import urlsplit

import pytest
from sqlalchemy import select

from marketplace.extensions import db
from marketplace.models import AuditLog, Notification, Role, ShopStatus
from marketplace.models.base import utcnow
from tests.factories import make_shop, make_user
from tests.admin_support import CONFIRMED
from tests.seller_support import login


@pytest.fixture
def admin(client):
    admin = make_user(role=Role.ADMIN, full_name="Ada Admin")
    db.session.commit()
    login(client, admin)
    return admin


def htmx(target: str) -> dict:
    return {"HX-Request": "true", "HX-Target": target}


def row_ids(html: str) -> list[str]:
    return re.findall(r'data-shop-id="([0-9a-f-]{36})"', html)


def audit_of(shop_id):
    return list(db.session.scalars(select(AuditLog).where(AuditLog.target_id == shop_id)))


def notices_of(user_id):
    return list(db.session.scalars(select(Notification).where(Notification.user_id == user_id)))


def test_queue_lists_pending_first_then_newest(client, admin):
    now = utcnow()
    old_active = make_shop(status=ShopStatus.ACTIVE, created_at=now - timedelta(days=3))
    new_active = make_shop(status=ShopStatus.ACTIVE, created_at=now)
    old_pending = make_shop(status=ShopStatus.PENDING, created_at=now - timedelta(days=5))
    new_pending = make_shop(status=ShopStatus.PENDING, created_at=now - timedelta(days=1))
    db.session.commit()
    html = client.get("/admin/shops").get_data(as_text=True)
    assert "is-invalid" not in html  # an unfiltered page shows no filter errors
    assert row_ids(html) == [str(s.id) for s in (new_pending, old_pending, new_active, old_active)]
    assert old_pending.owner.full_name in html


def test_filters_by_status_and_searches_names(client, admin):
    hoa = make_shop(name="Tiệm Hoa Mai", slug="tiem-hoa-mai", status=ShopStatus.SUSPENDED)
    other = make_shop(name="Kettles", status=ShopStatus.PENDING)
    db.session.commit()

    def ids(**query):
        return row_ids(client.get("/admin/shops", query_string=query).get_data(as_text=True))

    assert ids(q="hoa mai") == [str(hoa.id)]
    assert ids(q="tiem-hoa") == [str(hoa.id)]
    assert ids(status="PENDING") == [str(other.id)]
    assert ids(status="SUSPENDED", q="kettle") == []
    assert ids(q="%") == [] and ids(q="_") == []
    partial = client.get("/admin/shops", query_string={"status": "PENDING"}, headers=htmx("shops-results"))
    assert "<html" not in partial.get_data(as_text=True) and str(other.id) in partial.get_data(as_text=True)


def test_queue_is_keyset_paged_across_the_pending_boundary(client, admin, count_queries):
    made = [make_shop(status=ShopStatus.PENDING if i % 3 == 0 else ShopStatus.ACTIVE) for i in range(30)]
    db.session.commit()
    with count_queries() as queries:
        html = client.get("/admin/shops").get_data(as_text=True)
    first = row_ids(html)
    assert len(first) == 25
    assert len([q for q in queries if not q.startswith(("SAVEPOINT", "RELEASE"))]) <= 6
    next_url = re.search(r'hx-get="([^"]+cursor=[^"]+)"', html).group(1).replace("&amp;", "&")
    rest = row_ids(client.get(next_url, headers=htmx("shops-more")).get_data(as_text=True))
    assert len(rest) == 5 and not set(first) & set(rest)
    assert sorted(first + rest) == sorted(str(s.id) for s in made)
    assert client.get("/admin/shops?cursor=nonsense").status_code == 400


@pytest.mark.parametrize("action, source, target, reason, notice", [
    ("approve", ShopStatus.PENDING, ShopStatus.ACTIVE, "", "shop.approved"),
    ("reject", ShopStatus.PENDING, ShopStatus.REJECTED, "Logo is offensive", "shop.rejected"),
    ("suspend", ShopStatus.ACTIVE, ShopStatus.SUSPENDED, "Fake goods", "shop.suspended"),
    ("reinstate", ShopStatus.SUSPENDED, ShopStatus.ACTIVE, "", "shop.reinstated"),
])
def test_each_action_with_htmx_re_renders_the_row(client, admin, action, source, target, reason, notice):
    shop = make_shop(status=source)
    db.session.commit()
    response = client.post(f"/admin/shops/{shop.id}/{action}", data={**CONFIRMED, "reason": reason},
                           headers=htmx(f"shop-{shop.id}"))
    assert response.status_code == 200
    html = response.get_data(as_text=True)
    assert html.lstrip().startswith(f'<tr id="shop-{shop.id}"')
    assert f">{target.value.title()}<" in html
    db.session.refresh(shop)
    assert shop.status == target
    [entry] = audit_of(shop.id)
    assert (entry.action, entry.actor_id, entry.reason) == (f"shop.{action}", admin.id, reason or None)
    [note] = notices_of(shop.owner_id)
    assert note.kind == notice and note.link == "/seller/shop"


def test_plain_form_redirects_back_with_a_flash(client, admin):
    shop = make_shop(status=ShopStatus.PENDING, name="Plain Shop")
    db.session.commit()
    response = client.post(f"/admin/shops/{shop.id}/approve", data={**CONFIRMED, "next": "/admin/shops?status=PENDING"})
    assert response.status_code == 303 and response.headers["Location"] == "/admin/shops?status=PENDING"
    page = client.get(response.headers["Location"]).get_data(as_text=True)
    assert "“Plain Shop” is approved and open." in page
    other = make_shop(status=ShopStatus.PENDING)
    db.session.commit()
    response = client.post(f"/admin/shops/{other.id}/approve", data={**CONFIRMED, "next": "https://evil.example/"})
    assert response.headers["Location"] == "/admin/shops"


@pytest.mark.parametrize("action, status", [("reject", ShopStatus.PENDING), ("suspend", ShopStatus.ACTIVE)])
def test_missing_reason_is_shown_next_to_the_field(client, admin, action, status):
    shop = make_shop(status=status)
    db.session.commit()
    response = client.post(f"/admin/shops/{shop.id}/{action}", data={**CONFIRMED, "reason": "  "},
                           headers=htmx(f"shop-{shop.id}"))
    assert response.status_code == 422
    html = response.get_data(as_text=True)
    assert "Give a reason" in html and "invalid-feedback" in html
    db.session.refresh(shop)
    assert shop.status == status and audit_of(shop.id) == []
    plain = client.post(f"/admin/shops/{shop.id}/{action}", data={**CONFIRMED, "reason": ""}, follow_redirects=True)
    assert "Give a reason" in plain.get_data(as_text=True)


@pytest.mark.parametrize("action, status", [
    ("approve", ShopStatus.ACTIVE), ("approve", ShopStatus.REJECTED), ("reject", ShopStatus.SUSPENDED),
    ("suspend", ShopStatus.PENDING), ("reinstate", ShopStatus.ACTIVE), ("reinstate", ShopStatus.REJECTED),
])
def test_forbidden_moves_explain_themselves(client, admin, action, status):
    shop = make_shop(status=status)
    db.session.commit()
    response = client.post(f"/admin/shops/{shop.id}/{action}",
                           data={**CONFIRMED, "reason": "x"}, headers=htmx(f"shop-{shop.id}"))
    assert response.status_code == 422
    assert f"This shop is {status.value.lower()}" in response.get_data(as_text=True)
    db.session.refresh(shop)
    assert shop.status == status and audit_of(shop.id) == [] and notices_of(shop.owner_id) == []


def test_actions_need_csrf(client, admin):
    shop = make_shop(status=ShopStatus.PENDING)
    db.session.commit()
    client.post(f"/admin/shops/{shop.id}/approve", csrf=False)
    db.session.refresh(shop)
    assert shop.status == ShopStatus.PENDING


def test_unknown_shop_is_404(client, admin):
    assert client.post("/admin/shops/00000000-0000-0000-0000-000000000000/approve", data=CONFIRMED).status_code == 404


@pytest.mark.parametrize("method, path", [
    ("get", "/admin/shops"), ("post", "/admin/shops/{id}/approve"), ("post", "/admin/shops/{id}/reject"),
    ("post", "/admin/shops/{id}/suspend"), ("post", "/admin/shops/{id}/reinstate"),
])
@pytest.mark.parametrize("role", [None, Role.BUYER, Role.SELLER])
def test_only_admins_get_in(client, method, path, role):
    shop = make_shop(status=ShopStatus.PENDING)
    if role:
        user = make_user(role=role)
        db.session.commit()
        login(client, user)
    else:
        db.session.commit()
    url = path.format(id=shop.id)
    response = getattr(client, method)(url, data={"reason": "x"})
    assert response.status_code == 302
    expected = "/account/login" if role is None else "/"
    assert urlsplit(response.headers["Location"]).path == expected
    htmx_status = 401 if role is None else 403  # htmx: anonymous is unauthorized, a non-admin forbidden
    assert getattr(client, method)(url, data={"reason": "x"}, headers={"HX-Request": "true"}).status_code == htmx_status
    db.session.refresh(shop)
    assert shop.status == ShopStatus.PENDING
