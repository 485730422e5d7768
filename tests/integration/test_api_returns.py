"""JSON API of returns: POST/GET /orders/{id}/returns, GET /returns, GET /returns/{id}, POST
/returns/{id}/tracking, /cancel, /dispute, /images; the order JSON's refunded amounts."""
import io

import pytest
from sqlalchemy import select

from marketplace.extensions import db
from marketplace.models import ReturnRequest
from marketplace.services.returns import returns
from tests.api_support import api_error
from tests.factories import login, make_user
from tests.returns_support import cod_order, lines


@pytest.fixture
def delivered(app, client):
    data = cod_order()
    login(client, data["buyer"])
    return data


def _ask(client, data, quantity=2, reason="DAMAGED"):
    return client.post(f"/api/v1/orders/{data['order'].id}/returns",
                       json={"lines": [{"order_item_id": str(data["items"][0].id), "quantity": quantity}],
                             "reason": reason, "details": "Cracked"})


def test_a_buyer_asks_lists_reads_tracks_and_sees_the_refund_on_the_order(client, delivered):
    created = _ask(client, delivered)
    assert created.status_code == 201, created.get_json()
    body = created.get_json()
    assert body["status"] == "REQUESTED" and body["lines"][0]["quantity"] == 2 and body["respond_by"]
    assert client.get("/api/v1/returns").get_json()["items"][0]["id"] == body["id"]
    assert client.get(f"/api/v1/orders/{delivered['order'].id}/returns").get_json()["items"][0]["id"] == body["id"]
    request = db.session.get(ReturnRequest, body["id"])
    returns.accept(delivered["seller"], request.id)
    db.session.commit()
    db.session.connection()
    api_error(client.post(f"/api/v1/returns/{body['id']}/tracking", json={"tracking_number": ""}), 422)
    tracked = client.post(f"/api/v1/returns/{body['id']}/tracking", json={"tracking_number": "GHN1"})
    assert tracked.status_code == 200 and tracked.get_json()["status"] == "SHIPPED_BACK"
    returns.receive(delivered["seller"], request.id, True)
    db.session.commit()
    db.session.connection()
    read = client.get(f"/api/v1/returns/{body['id']}").get_json()
    assert read["status"] == "REFUNDED" and read["refunds"][0]["amount"] == 2000
    order = client.get(f"/api/v1/orders/{delivered['order'].id}").get_json()
    assert order["refunded_total"] == 2000 and order["items"][0]["refunded_quantity"] in (0, 2)
    assert sorted(item["refunded_amount"] for item in order["items"]) == [0, 2000]


@pytest.mark.parametrize(("quantity", "reason", "status", "code"), [
    (4, "DAMAGED", 422, "quantity_above_bought"), (0, "DAMAGED", 422, None), (1, "BROKEN", 422, "invalid_reason"),
])
def test_bad_input_is_a_clear_error_and_changes_nothing(client, delivered, quantity, reason, status, code):
    api_error(_ask(client, delivered, quantity, reason), status, code)
    assert db.session.scalar(select(ReturnRequest.id)) is None and lines(delivered["order"])[0].return_quantity == 0


def test_outside_the_window_is_refused(client, app, delivered):
    from datetime import timedelta

    delivered["order"].delivered_at -= timedelta(days=app.config["RETURN_WINDOW_DAYS"] + 1)
    db.session.commit()
    db.session.connection()
    api_error(_ask(client, delivered), 409, "return_not_allowed")


def test_cancel_and_dispute_follow_the_state_machine(client, delivered):
    body = _ask(client, delivered).get_json()
    api_error(client.post(f"/api/v1/returns/{body['id']}/dispute", json={}), 409, "return_not_allowed")
    assert client.post(f"/api/v1/returns/{body['id']}/cancel").get_json()["status"] == "CANCELLED"
    api_error(client.post(f"/api/v1/returns/{body['id']}/cancel"), 409)


def test_someone_elses_order_and_return_are_404(client, delivered):
    body = _ask(client, delivered).get_json()
    login(client, make_user())
    api_error(client.get(f"/api/v1/returns/{body['id']}"), 404)
    api_error(_ask(client, delivered), 404)
    assert client.get("/api/v1/returns").get_json()["items"] == []


def test_the_openapi_document_describes_the_returns_calls(client):
    paths = client.get("/api/v1/openapi.json").get_json()["paths"]
    for path in ("/api/v1/orders/{order_id}/returns", "/api/v1/returns", "/api/v1/returns/{return_id}",
                 "/api/v1/returns/{return_id}/tracking", "/api/v1/returns/{return_id}/cancel",
                 "/api/v1/returns/{return_id}/images",
                 "/api/v1/returns/{return_id}/dispute"):
        assert path in paths, sorted(paths)


def _photos(client, return_id, count=1, data=None, **kwargs):
    from tests.integration.test_api_uploads import files
    from tests.reviews_support import png_bytes

    return client.post(f"/api/v1/returns/{return_id}/images",
                       data=data if data is not None else {"images": files(*[png_bytes()] * count)},
                       content_type="multipart/form-data", **kwargs)


def test_the_app_adds_photos_to_its_return_until_the_seller_answers(client, delivered, temp_storage):
    from tests.seller_support import stored_files

    body = _ask(client, delivered).get_json()
    added = _photos(client, body["id"], count=2)
    assert added.status_code == 201, added.get_json()
    assert len(added.get_json()["image_urls"]) == 2 and len(stored_files(temp_storage)) == 4  # each and its thumbnail
    more = _photos(client, body["id"], count=3).get_json()["image_urls"]
    assert len(more) == 5 and more[:2] == added.get_json()["image_urls"]  # kept in their order
    assert client.get(f"/api/v1/returns/{body['id']}").get_json()["image_urls"] == more
    # a sixth is refused, and nothing more is stored
    assert "at most 5 photos" in api_error(_photos(client, body["id"]), 422, "too_many_images")["message"]
    assert len(stored_files(temp_storage)) == 10
    # the seller answers: no more photos
    request = db.session.get(ReturnRequest, body["id"])
    returns.accept(delivered["seller"], request.id)
    db.session.commit()
    api_error(_photos(client, body["id"]), 409, "return_not_allowed")


def test_bad_photos_are_refused_and_change_nothing(client, delivered, temp_storage):
    from tests.seller_support import stored_files

    body = _ask(client, delivered).get_json()
    assert "images" in api_error(_photos(client, body["id"], data={"note": "no files"}), 422)["fields"]
    not_a_picture = {"images": [(io.BytesIO(b"not a picture"), "x.png", "image/png")]}
    api_error(_photos(client, body["id"], data=not_a_picture), 422)
    api_error(client.post(f"/api/v1/returns/{body['id']}/images", json={"images": []}), 415)
    assert stored_files(temp_storage) == []
    assert client.get(f"/api/v1/returns/{body['id']}").get_json()["image_urls"] == []
    login(client, make_user())
    api_error(_photos(client, body["id"]), 404)
