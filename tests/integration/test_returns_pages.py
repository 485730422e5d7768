"""The returns pages through the test client: the buyer's form, list and return page with their
actions, the seller's list and answers, the admin's disputed queue and refunds queue (confirm steps);
bad input shows a clear error and changes nothing; someone else's ids are 404."""
import io

import pytest
from sqlalchemy import select

from marketplace.extensions import db
from marketplace.models import Refund, ReturnRequest, Role
from marketplace.services.returns import returns
from tests.factories import login, make_user
from tests.returns_support import cod_order, lines
from tests.reviews_support import png_bytes


@pytest.fixture
def delivered(app):
    return cod_order()


def _ask(client, data, **form):
    cheap = data["items"][0]
    body = {f"quantity-{cheap.id}": "2", "reason": "DAMAGED", "details": "Cracked", **form}
    return client.post(f"/orders/{data['order'].id}/return", data=body, content_type="multipart/form-data")


def test_the_order_page_offers_return_items_and_the_form_shows_lines_and_the_shipping_rule(client, delivered):
    login(client, delivered["buyer"])
    page = client.get(f"/orders/{delivered['order'].id}").get_data(as_text=True)
    assert f"/orders/{delivered['order'].id}/return" in page
    form = client.get(f"/orders/{delivered['order'].id}/return").get_data(as_text=True)
    assert f"quantity-{delivered['items'][0].id}" in form and 'id="shipping-note"' in form


def test_a_buyer_asks_with_a_photo_and_follows_the_return(client, delivered):
    login(client, delivered["buyer"])
    answer = _ask(client, delivered, images=[(io.BytesIO(png_bytes()), "crack.png")])
    assert answer.status_code == 303
    request = db.session.scalar(select(ReturnRequest))
    assert request.status == "REQUESTED" and len(request.images) == 1
    page = client.get(answer.headers["Location"]).get_data(as_text=True)
    assert request.number in page and "Withdraw this return" in page
    assert request.number in client.get("/returns").get_data(as_text=True)


@pytest.mark.parametrize(("form", "message"), [
    ({"quantity-LINE": "4"}, "at most 3"), ({"quantity-LINE": "0"}, "Choose at least one item"),
    ({"quantity-LINE": "abc"}, "whole number"), ({"reason": "BROKEN"}, "Choose a reason"),
])
def test_bad_input_is_refused_with_a_clear_error_and_nothing_changes(client, delivered, form, message):
    login(client, delivered["buyer"])
    cheap = delivered["items"][0]
    form = {key.replace("LINE", str(cheap.id)): value for key, value in form.items()}
    answer = _ask(client, delivered, **form)
    assert answer.status_code == 422 and message in answer.get_data(as_text=True)
    assert db.session.scalar(select(ReturnRequest.id)) is None and lines(delivered["order"])[0].return_quantity == 0


def test_six_photos_are_refused(client, delivered):
    login(client, delivered["buyer"])
    answer = _ask(client, delivered, images=[(io.BytesIO(png_bytes()), f"{n}.png") for n in range(6)])
    assert answer.status_code == 422 and "at most 5 photos" in answer.get_data(as_text=True)
    assert db.session.scalar(select(ReturnRequest.id)) is None


def test_the_seller_accepts_the_buyer_ships_the_seller_receives_and_the_buyer_is_refunded(client, delivered):
    login(client, delivered["buyer"])
    _ask(client, delivered)
    request = db.session.scalar(select(ReturnRequest))
    login(client, delivered["seller"])
    assert request.number in client.get("/seller/returns?status=REQUESTED").get_data(as_text=True)
    assert "Accept the return" in client.get(f"/seller/returns/{request.id}").get_data(as_text=True)
    assert client.post(f"/seller/returns/{request.id}/accept").status_code == 303
    login(client, delivered["buyer"])
    refused = client.post(f"/returns/{request.id}/tracking", data={"tracking_number": ""})
    assert refused.status_code == 422 and "tracking number" in refused.get_data(as_text=True)
    assert client.post(f"/returns/{request.id}/tracking", data={"tracking_number": "GHN1"}).status_code == 303
    login(client, delivered["seller"])
    assert client.post(f"/seller/returns/{request.id}/receive", data={"restock": "y"}).status_code == 303
    db.session.refresh(request)
    assert request.status == "REFUNDED" and request.restock is True
    login(client, delivered["buyer"])
    assert "Refund of" in client.get(f"/orders/{delivered['order'].id}").get_data(as_text=True)
    # the seller sees both on the order's own page, the return linked to its page
    login(client, delivered["seller"])
    order_page = client.get(f"/seller/orders/{delivered['order'].id}").get_data(as_text=True)
    assert "Returns and refunds" in order_page and f"/seller/returns/{request.id}" in order_page
    assert request.number in order_page and 'data-return-status="REFUNDED"' in order_page
    assert "Refund of" in order_page


def test_the_seller_order_page_shows_a_return_waiting_for_an_answer(client, delivered):
    login(client, delivered["buyer"])
    _ask(client, delivered)
    request = db.session.scalar(select(ReturnRequest))
    login(client, delivered["seller"])
    page = client.get(f"/seller/orders/{delivered['order'].id}").get_data(as_text=True)
    assert f"/seller/returns/{request.id}" in page and 'data-return-status="REQUESTED"' in page
    assert "Answer by" in page and 'data-testid="order-refund"' not in page


def test_a_seller_order_page_without_returns_has_no_such_section(client, delivered):
    login(client, delivered["seller"])
    assert "Returns and refunds" not in client.get(f"/seller/orders/{delivered['order'].id}").get_data(as_text=True)


def test_a_refusal_needs_a_reason_then_the_buyer_disputes_and_the_admin_decides(client, delivered):
    login(client, delivered["buyer"])
    _ask(client, delivered)
    request = db.session.scalar(select(ReturnRequest))
    login(client, delivered["seller"])
    assert client.post(f"/seller/returns/{request.id}/refuse", data={"reason": ""}).status_code == 422
    assert client.post(f"/seller/returns/{request.id}/refuse", data={"reason": "Worn"}).status_code == 303
    login(client, delivered["buyer"])
    assert client.post(f"/returns/{request.id}/dispute", data={"note": "Look at the photo"}).status_code == 303
    admin = make_user(role=Role.ADMIN)
    login(client, admin)
    assert request.number in client.get("/admin/returns").get_data(as_text=True)
    assert "Accept the return" in client.get(f"/admin/returns/{request.id}").get_data(as_text=True)
    step = client.get(f"/admin/returns/{request.id}/decide?decision=accept")
    assert step.status_code == 200 and 'name="confirm"' in step.get_data(as_text=True)
    stray = client.post(f"/admin/returns/{request.id}/decide?decision=accept", data={"reason": "ok"})
    db.session.refresh(request)
    assert stray.status_code == 200 and request.status == "DISPUTED"  # no confirm: asked, nothing changed
    assert client.post(f"/admin/returns/{request.id}/decide?decision=accept",
                       data={"reason": "", "confirm": "yes"}).status_code == 422
    assert client.post(f"/admin/returns/{request.id}/decide?decision=accept",
                       data={"reason": "Clear damage", "confirm": "yes"}).status_code == 303
    db.session.refresh(request)
    assert request.status == "ACCEPTED" and request.decision_note == "Clear damage"


def test_the_buyer_withdraws(client, delivered):
    login(client, delivered["buyer"])
    _ask(client, delivered)
    request = db.session.scalar(select(ReturnRequest))
    assert client.post(f"/returns/{request.id}/cancel").status_code == 303
    db.session.refresh(request)
    assert request.status == "CANCELLED"
    again = client.post(f"/returns/{request.id}/cancel")
    assert again.status_code == 409 and "can no longer be withdrawn" in again.get_data(as_text=True)


def test_the_admin_marks_a_cash_refund_paid_with_a_reference(client, delivered):
    request = returns.request_return(delivered["buyer"], delivered["order"].id, {delivered["items"][0].id: 1},
                                     "DAMAGED")
    returns.accept(delivered["seller"], request.id)
    returns.give_tracking(delivered["buyer"], request.id, "T")
    returns.receive(delivered["seller"], request.id, False)
    refund = db.session.scalar(select(Refund))
    login(client, make_user(role=Role.ADMIN))
    assert delivered["order"].number in client.get("/admin/refunds").get_data(as_text=True)
    assert "Bank transfer reference" in client.get(f"/admin/refunds/{refund.id}/pay").get_data(as_text=True)
    assert client.post(f"/admin/refunds/{refund.id}/pay", data={"reason": "", "confirm": "yes"}).status_code == 422
    assert client.post(f"/admin/refunds/{refund.id}/pay",
                       data={"reason": "VCB 42", "confirm": "yes"}).status_code == 303
    db.session.refresh(refund)
    assert (refund.status, refund.reference) == ("PAID", "VCB 42")
    assert delivered["order"].number not in client.get("/admin/refunds").get_data(as_text=True)


@pytest.mark.parametrize("path", ["/returns/{rid}", "/seller/returns/{rid}", "/orders/{oid}/return"])
def test_someone_elses_return_is_404(client, delivered, path):
    request = returns.request_return(delivered["buyer"], delivered["order"].id, {delivered["items"][0].id: 1},
                                     "DAMAGED")
    other = make_user()
    from tests.factories import make_shop

    make_shop(owner=other)
    login(client, other)
    assert client.get(path.format(rid=request.id, oid=delivered["order"].id)).status_code == 404


def test_non_admins_cannot_reach_the_admin_queues(client, delivered):
    login(client, delivered["buyer"])
    for path in ("/admin/returns", "/admin/refunds"):
        assert client.get(path).status_code in (302, 403, 404)  # the admin_required answer
