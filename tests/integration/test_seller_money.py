"""Seller center money pages: balance (figures, entries, payouts), asking for a payout with its confirm
step, statements (page and CSV), bank details on the shop profile."""
from datetime import datetime, timezone

import pytest
from sqlalchemy import func, select

from marketplace.extensions import db
from marketplace.models import Payout, Shop
from marketplace.services.ledger.settlement import settle_due
from tests.factories import login
from tests.ledger_support import after_settlement_days, delivered_order, seller_shop, shop_balance


@pytest.fixture
def settled(app, client):
    shop = seller_shop()
    order = delivered_order(shop, prices=(3000, 2000))
    settle_due(after_settlement_days(app, order))
    login(client, shop.owner)
    return shop, order


def test_balance_page_shows_figures_entries_and_the_withdraw_link(client, settled):
    shop, order = settled
    html = client.get("/seller/balance").get_data(as_text=True)
    available = shop_balance(shop.id, "SHOP_AVAILABLE")
    assert f"${available / 100:,.2f}" in html
    assert order.number in html and "Sale delivered" in html and "Settled: now available" in html
    assert 'href="/seller/balance/payout"' in html
    assert 'href="/seller/balance"' in html  # the nav link


def test_balance_entries_page_with_load_more(client, settled):
    html = client.get("/seller/balance").get_data(as_text=True)
    assert "Load more" not in html  # 3 earned + 3 settlement pairs = 9 entries, under a page
    response = client.get("/seller/balance?cursor=not-a-cursor")
    assert response.status_code == 400


def test_the_payout_confirm_step_then_the_request(client, settled):
    shop, __ = settled
    available = shop_balance(shop.id, "SHOP_AVAILABLE")
    page = client.get("/seller/balance/payout")
    assert page.status_code == 200 and "Withdraw your available balance?" in page.get_data(as_text=True)
    assert shop.bank_account_number in page.get_data(as_text=True)
    response = client.post("/seller/balance/payout")
    assert response.status_code == 303
    payout = db.session.scalar(select(Payout).where(Payout.shop_id == shop.id))
    assert payout.amount == available and shop_balance(shop.id, "SHOP_AVAILABLE") == 0
    html = client.get("/seller/balance").get_data(as_text=True)
    assert "Payout requested" in html and "Requested" in html


def test_a_payout_below_the_minimum_is_refused_with_a_message_and_nothing_changes(client, app):
    shop = seller_shop()
    delivered_order(shop, prices=(500,))  # pending only: nothing available
    login(client, shop.owner)
    response = client.post("/seller/balance/payout")
    assert response.status_code == 422
    assert "once $10.00 is available" in response.get_data(as_text=True)
    assert db.session.scalar(select(func.count()).select_from(Payout)) == 0


def test_a_payout_without_bank_details_says_so(client, app):
    shop = seller_shop(bank_name=None, bank_account_name=None, bank_account_number=None)
    login(client, shop.owner)
    html = client.get("/seller/balance").get_data(as_text=True)
    assert "Add your bank details" in html
    response = client.post("/seller/balance/payout")
    assert response.status_code == 422 and "bank details" in response.get_data(as_text=True)


def test_statements_list_month_page_and_csv(client, settled):
    shop, order = settled
    html = client.get("/seller/statements").get_data(as_text=True)
    month = datetime.now(timezone.utc).astimezone().strftime("%Y-%m")
    assert f"/seller/statements/{month}" in html or "/seller/statements/" in html
    code = html.split('/seller/statements/')[1][:7]
    page = client.get(f"/seller/statements/{code}")
    assert page.status_code == 200
    text = page.get_data(as_text=True)
    assert "Opening balance" in text and "Closing balance" in text and "Sale delivered" in text
    assert text.count('class="statement-day"') == 2  # today: sales earned, settled (3 settlements)
    csv = client.get(f"/seller/statements/{code}.csv")
    assert csv.status_code == 200 and csv.mimetype == "text/csv"
    assert csv.is_streamed  # rows written as they are read
    body = csv.get_data(as_text=True)
    assert "attachment" in csv.headers["Content-Disposition"]
    assert body.startswith("\ufeffDate,What,Order") and order.number in body and "Closing balance" in body
    assert len(body.strip().splitlines()) == 1 + 1 + 4 + 1  # header, opening, earned + 3 settled, closing


@pytest.mark.parametrize("month", ["2026-13", "1999-01", "202601", "abcd-ef"])
def test_a_bad_month_is_404(client, settled, month):
    assert client.get(f"/seller/statements/{month}").status_code == 404
    assert client.get(f"/seller/statements/{month}.csv").status_code == 404


def test_bank_details_are_saved_from_the_profile(client, app):
    shop = seller_shop(bank_name=None, bank_account_name=None, bank_account_number=None)
    login(client, shop.owner)
    assert 'id="bank-details"' in client.get("/seller/shop").get_data(as_text=True)
    response = client.post("/seller/shop/bank", data={"bank_name": "ACB", "bank_account_name": "Trần Thị B",
                                                      "bank_account_number": "1234 5678 90"})
    assert response.status_code == 303
    db.session.refresh(shop)
    assert shop.bank_account_number == "1234 5678 90"


@pytest.mark.parametrize("number", ["12-34", "abc123456", "12345"])
def test_a_bad_account_number_is_shown_on_its_field_and_nothing_changes(client, app, number):
    shop = seller_shop()
    login(client, shop.owner)
    response = client.post("/seller/shop/bank", data={"bank_name": "ACB", "bank_account_name": "Trần Thị B",
                                                      "bank_account_number": number})
    assert response.status_code == 422
    html = response.get_data(as_text=True)
    assert "is-invalid" in html and ("digits" in html)
    assert db.session.scalar(select(Shop.bank_account_number).where(Shop.id == shop.id)) == "0123 4567 89"


@pytest.mark.parametrize("path", ["/seller/balance", "/seller/balance/payout", "/seller/statements",
                                  "/seller/statements/2026-01", "/seller/statements/2026-01.csv"])
def test_anonymous_is_sent_to_login(client, path):
    response = client.get(path)
    assert response.status_code == 302 and "/account/login" in response.headers["Location"]
