"""The confirm step of every destructive admin action (marketplace/admin/confirm.py): a page without
JavaScript, the dialog's content with htmx; a POST without the confirmation changes nothing and
shows the step; with it, the action is taken."""
import re
from dataclasses import dataclass
from collections.abc import Callable

import pytest

from marketplace.extensions import db
from marketplace.models import Category, ProductStatus, ShopStatus, UserStatus
from tests.admin_support import audit_entries, htmx
from tests.factories import make_category, make_product, make_shop, make_user
from tests.integration.test_admin_reviews import make_review

DIALOG = "admin-confirm-body"


@dataclass
class Case:
    url: str            # the action: GET is its confirm step, POST takes it
    row: str            # the element htmx updates on the page the action starts from
    back: str           # a page to come back to
    question: str
    reason: bool
    state: Callable     # the target's state, read fresh
    before: object
    after: object
    target_id: object
    done: str | None = None  # where a taken action sends the admin, when not `back`


def _shop(action, status, after):
    def build():
        shop = make_shop(status=status, name="Tiệm Gốm Sứ")
        return Case(f"/admin/shops/{shop.id}/{action}", f"shop-{shop.id}", "/admin/shops?status=PENDING",
                    "“Tiệm Gốm Sứ”?", action != "approve", lambda: _fresh(shop).status, status, after, shop.id)
    return build


def _user():
    user = make_user(full_name="Bảo Buyer")
    return Case(f"/admin/users/{user.id}/suspend", "user-status", f"/admin/users/{user.id}", "Suspend Bảo Buyer?",
                True, lambda: _fresh(user).status, UserStatus.ACTIVE, UserStatus.SUSPENDED, user.id)


def _product():
    product = make_product(title="Đèn bàn gỗ")
    return Case(f"/admin/products/{product.id}/hide", f"product-{product.id}", "/admin/products?q=den",
                "Hide “Đèn bàn gỗ”?", True, lambda: _fresh(product).status, ProductStatus.ACTIVE,
                ProductStatus.HIDDEN, product.id)


def _review():
    review = make_review(make_product(title="Ấm trà"), 2, body="Meh")
    return Case(f"/admin/reviews/{review.id}/hide", f"review-{review.id}", "/admin/reviews?rating=2",
                "review of “Ấm trà”?", True, lambda: _fresh(review).is_hidden, False, True, review.id)


def _category():
    category = make_category(name="Đồ cũ")
    category_id = category.id
    return Case(f"/admin/categories/{category.id}/delete", "category-workspace", f"/admin/categories/{category.id}",
                "Delete the category “Đồ cũ”?", False, lambda: db.session.get(Category, category_id) is not None,
                True, False, category_id, done="/admin/categories")  # its own page is gone


def _fresh(obj):
    db.session.expire(obj)
    return obj


CASES = {
    "approve shop": _shop("approve", ShopStatus.PENDING, ShopStatus.ACTIVE),
    "reject shop": _shop("reject", ShopStatus.PENDING, ShopStatus.REJECTED),
    "suspend shop": _shop("suspend", ShopStatus.ACTIVE, ShopStatus.SUSPENDED),
    "suspend user": _user,
    "hide product": _product,
    "hide review": _review,
    "delete category": _category,
}


@pytest.fixture(params=list(CASES))
def case(request, admin_client) -> Case:
    return CASES[request.param]()


def form_of(html: str) -> str:
    """The confirm step's form (the page has others: the header's log-out)."""
    step = html.split("data-confirm-step", 1)[1]
    return re.search(r'<form method="post".*?</form>', step, re.S).group(0)


def test_the_step_is_a_page_saying_what_happens_with_the_form_and_a_way_back(admin_client, case):
    response = admin_client.get(case.url, query_string={"next": case.back})
    assert response.status_code == 200
    page = response.get_data(as_text=True)
    assert "<html" in page and case.question in page and 'id="confirm-consequences"' in page
    assert '<h1 class="h4" id="confirm-title">' in page  # the page's own heading
    form = form_of(page)
    assert f'action="{case.url}"' in form and "hx-post" not in form  # a plain form: PRG without JavaScript
    assert '<input type="hidden" name="confirm" value="yes">' in form
    assert f'name="next" value="{case.back}"' in form.replace("&amp;", "&")
    assert f'href="{case.back}" data-confirm-cancel>Cancel</a>' in form.replace("&amp;", "&")
    assert ('name="reason"' in form) == case.reason
    if case.reason:
        field_id = re.search(r'<(?:textarea|input)[^>]*\sid="([^"]+)"[^>]*name="reason"', form).group(1)
        assert f'<label class="form-label" for="{field_id}">' in form
    assert case.state() == case.before


def test_the_step_never_goes_back_off_the_site(admin_client, case):
    page = admin_client.get(case.url, query_string={"next": "https://evil.example/"}).get_data(as_text=True)
    assert "evil.example" not in page


def test_with_htmx_the_step_is_the_dialogs_content_and_updates_the_row(admin_client, case):
    response = admin_client.get(case.url, query_string={"target": case.row, "next": case.back}, headers=htmx(DIALOG))
    assert response.status_code == 200
    html = response.get_data(as_text=True)
    assert "<html" not in html and html.lstrip().startswith("<section") and '<h2 class="h4" id="confirm-title">' in html
    form = form_of(html)
    assert f'hx-post="{case.url}" hx-target="#{case.row}" hx-swap="outerHTML"' in form
    # A target the action can't render is ignored: the form posts as a plain one.
    other = admin_client.get(case.url, query_string={"target": "main"}, headers=htmx(DIALOG)).get_data(as_text=True)
    assert "hx-post" not in form_of(other)


def test_a_post_without_the_confirmation_changes_nothing_and_shows_the_step(admin_client, case):
    response = admin_client.post(case.url, data={"reason": "Typed in a stale form", "next": case.back})
    assert response.status_code == 200
    page = response.get_data(as_text=True)
    assert "<html" in page and case.question in page
    assert '<input type="hidden" name="confirm" value="yes">' in page
    if case.reason:
        assert "Typed in a stale form" in page  # kept for the admin to confirm
    assert case.state() == case.before
    assert audit_entries(target_id=case.target_id) == []


def test_an_htmx_post_without_the_confirmation_opens_the_dialog_instead(admin_client, case):
    response = admin_client.post(case.url, data={"reason": "x"}, headers=htmx(case.row))
    assert response.status_code == 200
    assert response.headers["HX-Retarget"] == f"#{DIALOG}" and response.headers["HX-Reswap"] == "innerHTML"
    assert case.question in response.get_data(as_text=True)
    assert case.state() == case.before and audit_entries(target_id=case.target_id) == []


def test_with_the_confirmation_the_action_is_taken_and_the_admin_sent_back(admin_client, case):
    response = admin_client.post(case.url, data={"confirm": "yes", "reason": "Breaks the rules", "next": case.back})
    assert response.status_code == 303 and response.headers["Location"] == (case.done or case.back)
    assert case.state() == case.after
    assert len(audit_entries(target_id=case.target_id)) == 1


def test_with_htmx_the_confirmed_action_answers_the_row(admin_client, case):
    response = admin_client.post(case.url, data={"confirm": "yes", "reason": "Breaks the rules"},
                                 headers=htmx(case.row))
    assert response.status_code == 200 and "HX-Retarget" not in response.headers
    assert f'id="{case.row}"' in response.get_data(as_text=True)
    assert case.state() == case.after


def test_a_confirmed_action_without_its_reason_shows_the_step_again_with_the_error(admin_client, case):
    if not case.reason:
        pytest.skip("this action takes no reason")
    response = admin_client.post(case.url, data={"confirm": "yes", "reason": "  ", "next": case.back})
    assert response.status_code == 422
    page = response.get_data(as_text=True)
    assert "<html" in page and case.question in page and "Give a reason" in page
    field = re.search(r'<(?:textarea|input)[^>]*name="reason"[^>]*>', page).group(0)
    field_id = re.search(r'\sid="([^"]+)"', field).group(1)
    assert 'aria-invalid="true"' in field and f"{field_id}-error" in field
    assert f'id="{field_id}-error"' in page
    fragment = admin_client.post(case.url, data={"confirm": "yes", "reason": ""}, headers=htmx(case.row))
    assert fragment.status_code == 422 and fragment.headers["HX-Retarget"] == f"#{DIALOG}"
    assert "Give a reason" in fragment.get_data(as_text=True)
    assert case.state() == case.before and audit_entries(target_id=case.target_id) == []


@pytest.mark.parametrize("make, url, message", [
    (lambda: make_shop(status=ShopStatus.ACTIVE), "/admin/shops/{}/approve", "only a pending shop can be approved"),
    (lambda: make_shop(status=ShopStatus.SUSPENDED), "/admin/shops/{}/suspend", "only an active shop can be suspended"),
    (lambda: make_user(status=UserStatus.SUSPENDED), "/admin/users/{}/suspend", "already suspended"),
    (lambda: make_product(status=ProductStatus.HIDDEN), "/admin/products/{}/hide", "already hidden"),
])
def test_a_step_that_no_longer_applies_says_why_and_offers_no_button(admin_client, make, url, message):
    target = make()
    page = admin_client.get(url.format(target.id)).get_data(as_text=True)
    assert 'id="confirm-blocked"' in page and message in page
    assert '<form method="post"' not in page.split('data-confirm-step', 1)[1]


def test_the_own_account_step_is_blocked(admin_client, admin):
    page = admin_client.get(f"/admin/users/{admin.id}/suspend").get_data(as_text=True)
    assert "This is your own account" in page and 'name="confirm"' not in page


def test_the_lists_lead_to_the_steps_by_a_button_that_works_without_javascript(admin_client):
    shop = make_shop(status=ShopStatus.PENDING)
    product = make_product()
    html = admin_client.get("/admin/shops").get_data(as_text=True)
    step = re.search(rf'<form method="get" action="/admin/shops/{shop.id}/reject"[^>]*>', html).group(0)
    assert f'hx-get="/admin/shops/{shop.id}/reject"' in step and 'hx-target="#admin-confirm-body"' in step
    assert f'"target": "shop-{shop.id}"' in step
    assert "Reject…</button>" in html and "Approve…</button>" in html
    html = admin_client.get("/admin/products").get_data(as_text=True)
    assert f'action="/admin/products/{product.id}/hide"' in html and "Hide…</button>" in html
    assert 'id="admin-confirm"' in html and "js/admin-confirm" in html  # the dialog and its script
