"""Admin money pages: the payouts queue with its confirm steps and the bank's CSV, the commission page,
the trial balance."""
import pytest
from sqlalchemy import select

from marketplace.extensions import db
from marketplace.models import CommissionRate, TransactionKind
from marketplace.services.ledger import payouts
from marketplace.services.ledger.ledger import K, credit, debit, post
from tests.admin_support import CONFIRMED, audit_entries
from tests.factories import make_category
from tests.ledger_support import delivered_order, seller_shop


def _payout(amount=5000, **shop_fields):
    shop = seller_shop(**shop_fields)
    post(TransactionKind.ADJUSTMENT, "USD", [debit(K.CASH, amount), credit(K.SHOP_AVAILABLE, amount, shop_id=shop.id)])
    return payouts.request(shop.owner)


def test_the_queue_lists_requested_payouts_with_their_actions(admin_client):
    payout = _payout()
    html = admin_client.get("/admin/payouts").get_data(as_text=True)
    assert f'id="payout-{payout.id}"' in html and "$50.00" in html
    assert f"/admin/payouts/{payout.id}/approve" in html and f"/admin/payouts/{payout.id}/refuse" in html
    assert f"/admin/payouts/{payout.id}/paid" not in html
    assert admin_client.get("/admin/payouts?status=PAID").get_data(as_text=True).count("payout-") == 0
    assert admin_client.get("/admin/payouts?cursor=broken").status_code == 400


def test_approve_then_mark_paid_through_the_confirm_steps(admin_client):
    payout = _payout()
    step = admin_client.get(f"/admin/payouts/{payout.id}/approve")
    assert step.status_code == 200 and "Approve the payout of $50.00" in step.get_data(as_text=True)
    stray = admin_client.post(f"/admin/payouts/{payout.id}/approve")  # no confirm: asks again, changes nothing
    assert stray.status_code == 200 and payout.status == "REQUESTED"
    assert admin_client.post(f"/admin/payouts/{payout.id}/approve", data=CONFIRMED).status_code == 303
    db.session.refresh(payout)
    assert payout.status == "APPROVED"
    csv = admin_client.get("/admin/payouts/export.csv")
    assert csv.mimetype == "text/csv" and str(payout.id) in csv.get_data(as_text=True)
    assert ",50.00,USD," in csv.get_data(as_text=True)
    missing = admin_client.post(f"/admin/payouts/{payout.id}/paid", data=CONFIRMED)
    assert missing.status_code == 422 and "reference" in missing.get_data(as_text=True)
    db.session.refresh(payout)
    assert payout.status == "APPROVED"
    response = admin_client.post(f"/admin/payouts/{payout.id}/paid", data={**CONFIRMED, "reference": "FT2026"})
    assert response.status_code == 303
    db.session.refresh(payout)
    assert (payout.status, payout.reference) == ("PAID", "FT2026")
    assert [e.action for e in audit_entries(target_id=payout.id)] == ["payout.approve", "payout.paid"]


def test_refuse_needs_a_reason(admin_client):
    payout = _payout()
    response = admin_client.post(f"/admin/payouts/{payout.id}/refuse", data=CONFIRMED)
    assert response.status_code == 422 and "Give a reason" in response.get_data(as_text=True)
    response = admin_client.post(f"/admin/payouts/{payout.id}/refuse", data={**CONFIRMED, "reason": "Wrong name"})
    assert response.status_code == 303
    db.session.refresh(payout)
    assert payout.status == "REFUSED"


def test_a_decided_payout_shows_why_it_cannot_be_done(admin_client):
    payout = _payout()
    html = admin_client.get(f"/admin/payouts/{payout.id}/paid").get_data(as_text=True)
    assert "confirm-blocked" in html
    response = admin_client.post(f"/admin/payouts/{payout.id}/paid", data={**CONFIRMED, "reference": "X1"})
    assert response.status_code == 303
    db.session.refresh(payout)
    assert payout.status == "REQUESTED"


def test_unknown_payout_is_404(admin_client):
    for action in ("approve", "paid", "refuse"):
        assert admin_client.get(f"/admin/payouts/00000000-0000-0000-0000-000000000001/{action}").status_code == 404


def test_commission_page_adds_changes_and_removes_overrides(admin_client, app):
    shop = seller_shop()
    category = make_category(name="Kitchen")
    html = admin_client.get("/admin/commission").get_data(as_text=True)
    assert "The platform rate is 5 %" in html
    assert admin_client.post("/admin/commission", data={"scope": "shop", "shop": shop.slug, "rate": "2.5"}).status_code == 303
    assert admin_client.post("/admin/commission", data={"scope": "category", "category_id": str(category.id),
                                                        "rate": "8"}).status_code == 303
    rates = {r.shop_id or r.category_id: r.rate_bp for r in db.session.scalars(select(CommissionRate))}
    assert rates == {shop.id: 250, category.id: 800}
    html = admin_client.get("/admin/commission").get_data(as_text=True)
    assert "2.5 %" in html and "Kitchen" in html
    rate_id = db.session.scalar(select(CommissionRate.id).where(CommissionRate.shop_id == shop.id))
    assert admin_client.get(f"/admin/commission/{rate_id}/remove").status_code == 200
    assert admin_client.post(f"/admin/commission/{rate_id}/remove", data=CONFIRMED).status_code == 303
    assert db.session.scalar(select(CommissionRate.id).where(CommissionRate.shop_id == shop.id)) is None
    assert admin_client.get(f"/admin/commission/{rate_id}/remove").status_code == 404


@pytest.mark.parametrize(("data", "message"), [
    ({"scope": "shop", "shop": "no-such-shop", "rate": "5"}, "No shop has that address."),
    ({"scope": "shop", "shop": "x", "rate": "abc"}, "Enter a percentage between 0 and 100"),
    ({"scope": "category", "category_id": "", "rate": "5"}, "Choose a category."),
    ({"scope": "shop", "shop": "x", "rate": "101"}, "Enter a percentage between 0 and 100"),
])
def test_a_bad_rate_is_refused_with_a_message(admin_client, data, message):
    response = admin_client.post("/admin/commission", data=data)
    assert response.status_code == 422 and message in response.get_data(as_text=True)
    assert db.session.scalar(select(CommissionRate)) is None


def test_trial_balance_page_balances_and_agrees(admin_client):
    delivered_order(seller_shop())
    html = admin_client.get("/admin/ledger").get_data(as_text=True)
    assert "(balanced)" in html and 'id="shops-agree"' in html and "Commission earned" in html


def test_trial_balance_lists_a_disagreeing_shop(admin_client):
    shop = seller_shop(name="Odd Shop")
    post(TransactionKind.ADJUSTMENT, "USD", [debit(K.CASH, 100), credit(K.SHOP_AVAILABLE, 100, shop_id=shop.id)])
    html = admin_client.get("/admin/ledger").get_data(as_text=True)
    assert 'id="shops-disagree"' in html and "Odd Shop" in html
