"""Admin users: search, filters, keyset pages, one user's page, suspend and unsuspend."""
import re
from datetime import datetime, timedelta, timezone

import pytest

from marketplace.extensions import db
from marketplace.models import OrderStatus, Role, ShopStatus, User, UserStatus
from marketplace.services.core import rollups
from tests.admin_support import CONFIRMED, audit_entries, htmx, login, make_admin, notifications_of
from tests.factories import make_category, make_order, make_product, make_shop, make_user


def committed_looking() -> None:
    """Fire the test's pending cache-version triggers now, as its commit would (test_page_cache.py)."""
    db.session.flush()
    rollups.include_pending()


def row_ids(html: str) -> list[str]:
    return re.findall(r'data-user-id="([0-9a-f-]{36})"', html)


def test_list_users_searches_name_email_and_phone(admin_client):
    lan = make_user(full_name="Nguyễn Thị Lan", email="lan@example.com", phone="+84901112233")
    make_user(full_name="Bob Smith", email="bob@example.com")
    for q in ("thị lan", "LAN@EXAMPLE", "+8490111", "0901 112 233"):
        html = admin_client.get("/admin/users", query_string={"q": q}).get_data(as_text=True)
        assert row_ids(html) == [str(lan.id)], q


@pytest.mark.parametrize("q", ["%", "_", "\\", "' OR 1=1 --", "%' ; DROP TABLE users; --", "a%b_c\\"])
def test_sql_looking_search_is_harmless(admin_client, admin, q):
    make_user(full_name="Plain Person")
    response = admin_client.get("/admin/users", query_string={"q": q})
    assert response.status_code == 200
    assert row_ids(response.get_data(as_text=True)) == []  # wildcards are literal: nobody has them in their name
    assert db.session.get(User, admin.id) is not None


def test_wildcards_match_literally(admin_client):
    odd = make_user(full_name="100% Genuine_Seller")
    make_user(full_name="1000 Genuine Seller")
    html = admin_client.get("/admin/users", query_string={"q": "100% genuine_"}).get_data(as_text=True)
    assert row_ids(html) == [str(odd.id)]


def test_filters_by_role_and_status(admin_client, admin):
    seller = make_user(role=Role.SELLER)
    banned = make_user(status=UserStatus.SUSPENDED)
    html = admin_client.get("/admin/users", query_string={"role": "SELLER"}).get_data(as_text=True)
    assert row_ids(html) == [str(seller.id)]
    html = admin_client.get("/admin/users", query_string={"status": "SUSPENDED"}).get_data(as_text=True)
    assert row_ids(html) == [str(banned.id)]
    html = admin_client.get("/admin/users", query_string={"role": "ADMIN"}).get_data(as_text=True)
    assert row_ids(html) == [str(admin.id)]
    # An unknown value is ignored (and said so next to the field); no filter, no error.
    unknown = admin_client.get("/admin/users", query_string={"role": "KING"})
    assert unknown.status_code == 200 and "Not a valid choice" in unknown.get_data(as_text=True)
    assert str(admin.id) in row_ids(unknown.get_data(as_text=True))


@pytest.mark.parametrize("url", ["/admin/users", "/admin/products", "/admin/reviews", "/admin/audit",
                                 "/admin/categories", "/admin/"])
def test_pages_without_filters_show_no_errors(admin_client, url):
    html = admin_client.get(url).get_data(as_text=True)
    assert "is-invalid" not in html and "Not a valid" not in html


def test_keyset_pages_cover_everyone_once_and_load_more_is_a_fragment(admin_client, admin, count_queries):
    base = datetime.now(timezone.utc) - timedelta(days=1)
    users = [make_user(full_name=f"Pager {i:02d}", created_at=base + timedelta(minutes=i)) for i in range(30)]
    seen, url = [], "/admin/users?q=Pager"
    html = admin_client.get(url).get_data(as_text=True)
    seen += row_ids(html)
    assert len(seen) == 25 and 'id="users-more"' in html
    next_url = re.search(r'hx-get="([^"]+cursor=[^"]+)"', html).group(1).replace("&amp;", "&")
    with count_queries() as queries:
        more = admin_client.get(next_url, headers=htmx("users-more"))
    fragment = more.get_data(as_text=True)
    assert "<html" not in fragment and "users-more" not in fragment  # last page: no further button
    seen += row_ids(fragment)
    assert seen == [str(u.id) for u in sorted(users, key=lambda u: u.created_at, reverse=True)]
    assert len(queries) <= 3  # the user (login), the page; no query per row


def test_filter_change_answers_with_the_results_block(admin_client):
    make_user(full_name="Zed")
    fragment = admin_client.get("/admin/users?q=Zed", headers=htmx("users-results")).get_data(as_text=True)
    assert "<html" not in fragment and "Zed" in fragment and "<table" in fragment


def test_bad_cursor_is_a_clear_400(admin_client):
    response = admin_client.get("/admin/users?cursor=not-a-cursor")
    assert response.status_code == 400
    assert "no longer valid" in response.get_data(as_text=True)


def test_view_user_shows_latest_orders_and_shop(admin_client):
    owner = make_user(full_name="Owner Person")
    shop = make_shop(owner=owner, name="Owner's Corner")
    for i in range(22):
        make_order(buyer=owner, status=OrderStatus.PENDING,
                   created_at=datetime.now(timezone.utc) - timedelta(hours=i), number=f"ADM{i:04d}")
    html = admin_client.get(f"/admin/users/{owner.id}").get_data(as_text=True)
    assert "Owner&#39;s Corner" in html and shop.slug in html
    numbers = re.findall(r"ADM\d{4}", html)
    assert numbers == [f"ADM{i:04d}" for i in range(20)]  # the latest 20, newest first


def test_view_unknown_user_is_404(admin_client):
    assert admin_client.get("/admin/users/00000000-0000-0000-0000-000000000000").status_code == 404


def test_suspend_plain_form_prg_flash_audit_notification(admin_client, admin):
    user = make_user()
    old_version = user.session_version
    response = admin_client.post(f"/admin/users/{user.id}/suspend", data={**CONFIRMED, "reason": "Fraudulent orders"})
    assert response.status_code == 303
    assert response.headers["Location"] == f"/admin/users/{user.id}"
    page = admin_client.get(response.headers["Location"]).get_data(as_text=True)
    assert "is suspended and logged out everywhere" in page and "Fraudulent orders" in page
    db.session.expire_all()
    assert user.status == UserStatus.SUSPENDED and user.status_reason == "Fraudulent orders"
    assert user.session_version == old_version + 1
    [entry] = audit_entries("user.suspend", user.id)
    assert entry.actor_id == admin.id and entry.reason == "Fraudulent orders"
    assert len(notifications_of(user.id, "account.suspended")) == 1


def test_suspend_with_htmx_updates_the_panel_in_place(admin_client):
    user = make_user()
    response = admin_client.post(f"/admin/users/{user.id}/suspend", data={**CONFIRMED, "reason": "Spam"},
                                 headers=htmx("user-status"))
    html = response.get_data(as_text=True)
    assert response.status_code == 200
    assert html.lstrip().startswith('<div id="user-status"') and "<html" not in html
    assert "Unsuspend" in html and "Spam" in html


def test_suspend_without_reason_is_422_and_changes_nothing(admin_client):
    user = make_user()
    page = admin_client.post(f"/admin/users/{user.id}/suspend", data={**CONFIRMED, "reason": "  "})
    assert page.status_code == 422
    assert "Give a reason" in page.get_data(as_text=True)
    fragment = admin_client.post(f"/admin/users/{user.id}/suspend",
                                 data={**CONFIRMED, "reason": ""}, headers=htmx("user-status"))
    assert fragment.status_code == 422 and "Give a reason" in fragment.get_data(as_text=True)
    db.session.expire_all()
    assert user.status == UserStatus.ACTIVE
    assert audit_entries(target_id=user.id) == []


def test_an_admin_cannot_suspend_themselves(admin_client, admin):
    page = admin_client.get(f"/admin/users/{admin.id}").get_data(as_text=True)
    assert "your own account" in page and "Suspend</button>" not in page
    response = admin_client.post(f"/admin/users/{admin.id}/suspend", data={**CONFIRMED, "reason": "oops"})
    assert response.status_code == 422
    assert "cannot suspend your own account" in response.get_data(as_text=True)
    db.session.expire_all()
    assert admin.status == UserStatus.ACTIVE
    assert admin_client.get("/admin/").status_code == 200


@pytest.mark.parametrize("victim_role", [Role.BUYER, Role.ADMIN])
def test_suspension_takes_effect_on_the_users_very_next_request(app, admin_client, victim_role):
    victim = make_user(role=victim_role)
    victim_client = app.test_client()
    login(victim_client, victim)
    before = victim_client.get("/admin/")
    # Logged in: a buyer is turned away as a non-admin, an admin gets in.
    assert (before.status_code, before.headers.get("Location")) in {(302, "/"), (200, None)}

    assert admin_client.post(f"/admin/users/{victim.id}/suspend",
                             data={**CONFIRMED, "reason": "Abuse"}).status_code == 303

    after = victim_client.get("/admin/")
    assert after.status_code == 302 and after.headers["Location"].startswith("/account/login")
    assert victim_client.get("/admin/", headers=htmx("main")).status_code == 401


def test_unsuspend_restores_access_with_audit(admin_client, admin):
    user = make_user(status=UserStatus.SUSPENDED, status_reason="old")
    response = admin_client.post(f"/admin/users/{user.id}/unsuspend", data={"reason": "Appeal accepted"},
                                 headers=htmx("user-status"))
    assert response.status_code == 200 and "can log in again" in response.get_data(as_text=True)
    db.session.expire_all()
    assert user.status == UserStatus.ACTIVE and user.status_reason is None
    [entry] = audit_entries("user.unsuspend", user.id)
    assert entry.reason == "Appeal accepted"
    again = admin_client.post(f"/admin/users/{user.id}/unsuspend", data={})
    assert again.status_code == 422 and "not suspended" in again.get_data(as_text=True)


def test_another_admin_can_be_suspended(admin_client):
    other = make_admin(full_name="Other Admin")
    assert admin_client.post(f"/admin/users/{other.id}/suspend",
                             data={**CONFIRMED, "reason": "Left the company"}).status_code == 303


def test_suspend_works_on_a_user_loaded_fresh_by_the_request(admin_client):
    user_id = make_user().id
    db.session.expunge_all()
    response = admin_client.post(f"/admin/users/{user_id}/suspend", data={**CONFIRMED, "reason": "Spam"},
                                 headers=htmx("user-status"))
    assert response.status_code == 200
    assert db.session.get(User, user_id).status == UserStatus.SUSPENDED


def test_a_suspended_user_cannot_log_in_again(app, admin_client):
    from tests.factories import PASSWORD

    user = make_user(email="gone@example.com")
    assert admin_client.post(f"/admin/users/{user.id}/suspend",
                             data={**CONFIRMED, "reason": "Chargebacks"}).status_code == 303
    login_page = app.test_client().post("/account/login", data={"login": "gone@example.com", "password": PASSWORD})
    html = login_page.get_data(as_text=True)
    assert login_page.status_code == 422
    assert "suspended" in html and "Chargebacks" in html


def test_suspending_a_seller_closes_their_shop_and_unsuspending_leaves_it_closed(app, admin_client, admin):
    """Audit finding 4: a suspended seller's shop kept selling while nobody could fulfil its orders."""
    seller = make_user(role=Role.SELLER, full_name="Sam Seller")
    shop = make_shop(owner=seller, name="Sam's Spinners")
    category = make_category()
    product = make_product(shop=shop, category=category, title="Fidget spinner deluxe")
    visitor = app.test_client()  # anonymous: the storefront pages it gets go through the page cache
    storefront = (f"/c/{category.slug}", "/search?q=fidget", "/")
    committed_looking()
    for url in storefront:
        assert "Fidget spinner deluxe" in visitor.get(url).get_data(as_text=True), url

    page = admin_client.get(f"/admin/users/{seller.id}").get_data(as_text=True)
    assert "Their shop “Sam&#39;s Spinners” is suspended too" in page  # said before the click
    response = admin_client.post(f"/admin/users/{seller.id}/suspend", data={**CONFIRMED, "reason": "Fraudulent orders"})
    assert response.status_code == 303
    page = admin_client.get(response.headers["Location"]).get_data(as_text=True)
    assert "is suspended and logged out everywhere. Their shop “Sam&#39;s Spinners” is suspended too." in page
    db.session.expire_all()
    assert shop.status == ShopStatus.SUSPENDED
    assert shop.status_reason == "The owner's account is suspended: Fraudulent orders"
    [user_entry] = audit_entries("user.suspend", seller.id)
    [shop_entry] = audit_entries("shop.suspend", shop.id)
    assert user_entry.actor_id == shop_entry.actor_id == admin.id
    assert shop_entry.reason == "The owner's account is suspended: Fraudulent orders"
    assert len(notifications_of(seller.id, "shop.suspended")) == 1
    committed_looking()
    for url in storefront:
        assert "Fidget spinner deluxe" not in visitor.get(url).get_data(as_text=True), url

    response = admin_client.post(f"/admin/users/{seller.id}/unsuspend", data={}, headers=htmx("user-status"))
    html = response.get_data(as_text=True)
    assert response.status_code == 200 and "can log in again" in html
    assert "Their shop “Sam&#39;s Spinners” stays suspended: reopen it on the Shops screen" in html
    db.session.expire_all()
    assert seller.status == UserStatus.ACTIVE and shop.status == ShopStatus.SUSPENDED
    assert audit_entries("shop.reinstate", shop.id) == []
    committed_looking()
    assert "Fidget spinner deluxe" not in visitor.get(f"/c/{category.slug}").get_data(as_text=True)
    # An error page rolls back the request's transaction (the test's data): the 404s come last.
    assert visitor.get(f"/p/{product.id}").status_code == 404


def test_suspend_with_htmx_also_refreshes_the_shop_line(admin_client):
    seller = make_user(role=Role.SELLER)
    shop = make_shop(owner=seller)
    response = admin_client.post(f"/admin/users/{seller.id}/suspend", data={**CONFIRMED, "reason": "Spam"},
                                 headers=htmx("user-status"))
    html = response.get_data(as_text=True)
    assert response.status_code == 200 and html.lstrip().startswith('<div id="user-status"')
    assert "is suspended too" in html
    shop_line = html[html.index('id="user-shop"'):]
    assert 'hx-swap-oob="true"' in shop_line and shop.slug in shop_line and "SUSPENDED" in shop_line.upper()


def test_a_suspended_owners_shop_cannot_be_reopened_on_the_shops_screen(admin_client):
    seller = make_user(role=Role.SELLER)
    shop = make_shop(owner=seller)
    assert admin_client.post(f"/admin/users/{seller.id}/suspend",
                             data={**CONFIRMED, "reason": "Spam"}).status_code == 303
    response = admin_client.post(f"/admin/shops/{shop.id}/reinstate", headers=htmx(f"shop-{shop.id}"))
    assert response.status_code == 422 and "unsuspend it on the users screen first" in response.get_data(as_text=True)
    db.session.expire_all()
    assert shop.status == ShopStatus.SUSPENDED
