"""The JSON API's times are ISO 8601 in UTC with the offset, whatever the viewer's zone or the
database connection's: the interface shows local times, the API leaves that to its clients."""
import re

from sqlalchemy import text

from marketplace.extensions import db
from marketplace.services.reviews import reviews
from tests.factories import make_order, make_user
from tests.reviews_support import bought_line, login, seller_with_product

UTC_ISO = re.compile(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?(Z|\+00:00)")


def test_order_and_review_times_are_utc_with_their_offset(client):
    buyer = make_user(timezone="Asia/Ho_Chi_Minh", locale="vi")
    order = make_order(buyer)
    _, _, product = seller_with_product()
    review = reviews.create_review(buyer, bought_line(product, buyer=buyer).id, 5, "Tốt")
    db.session.commit()
    login(client, buyer)
    # A server whose zone is not UTC hands the app local times: the API still answers in UTC.
    db.session.execute(text("SET LOCAL TIME ZONE 'Asia/Ho_Chi_Minh'"))

    body = client.get(f"/api/v1/orders/{order.id}").get_json()
    times = [body["created_at"], *(event["created_at"] for event in body["events"])]
    listed = client.get(f"/api/v1/products/{product.id}/reviews").get_json()["items"]
    mine = next(item for item in listed if item["id"] == str(review.id))
    times += [mine["created_at"], mine["editable_until"]]

    assert times and all(UTC_ISO.fullmatch(moment) for moment in times), times
