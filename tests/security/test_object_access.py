"""Object-level access on every route that takes an id, parametrized over url_map and roles.

For each rule with a <uuid:...> argument, A's object is made (tests/security/objects.py)
and requested by another buyer, a seller of another shop and an anonymous visitor:
the answer is 404 (or a refusal by role / a login redirect), never A's data and never a
change in the database. Then the owner (or anyone, for a public page made visible) asks
the same and is NOT refused, which proves the object and the request were right.
"""
import pytest

from marketplace.extensions import db
from marketplace.models import CartItem, Order
from tests.factories import make_address, make_product
from tests.security.objects import ADMIN, BUYER, OBJECTS, PUBLIC, SELLER, SHOPPER
from tests.security.support import (
    build_path,
    client_for,
    db_fingerprint,
    is_login_redirect,
    is_role_refusal,
    rule_id,
    url_rules,
    uuid_arguments,
)

ID_ROUTES = [
    (rule, method)
    for rule in url_rules() if uuid_arguments(rule)
    for method in sorted(rule.methods & {"GET", "POST", "PUT", "PATCH", "DELETE"})
]

NOT_FOUND, LOGIN, REFUSED = "404", "login", "refused"


def attackers(kind: str, w) -> list[tuple[str, object, str]]:
    """(name, user, what they must get) for an object of `kind` owned by A."""
    if kind == BUYER:
        return [("another buyer", w.buyer_b, NOT_FOUND), ("another shop's seller", w.seller_b, NOT_FOUND),
                ("anonymous", None, LOGIN)]
    if kind == SELLER:
        return [("another shop's seller", w.seller_b, NOT_FOUND), ("a buyer", w.buyer_b, REFUSED),
                ("anonymous", None, LOGIN)]
    if kind == ADMIN:
        return [("a buyer", w.buyer_b, REFUSED), ("the shop's own seller", w.seller_a, REFUSED),
                ("anonymous", None, LOGIN)]
    if kind == SHOPPER:
        return [("a buyer", w.buyer_b, NOT_FOUND), ("another shop's seller", w.seller_b, NOT_FOUND),
                ("anonymous", None, LOGIN)]
    assert kind == PUBLIC
    return [("a buyer", w.buyer_b, NOT_FOUND), ("another shop's seller", w.seller_b, NOT_FOUND),
            ("anonymous", None, NOT_FOUND)]


def owner(kind: str, w):
    return {BUYER: w.buyer_a, SELLER: w.seller_a, ADMIN: w.admin, SHOPPER: w.buyer_a}[kind]


def send(client, method: str, path: str, made):
    if made.files is not None and method in ("POST", "PUT", "PATCH"):
        return client.open(path, method=method, data=made.multipart(), content_type="multipart/form-data")
    if path.startswith("/api/"):
        body = made.json if method in ("POST", "PUT", "PATCH") and made.json is not None else None
        return client.open(path, method=method, json=body)
    return client.open(path, method=method, data=made.form if method != "GET" else None)


@pytest.mark.parametrize("rule, method", ID_ROUTES, ids=[rule_id(r, m) for r, m in ID_ROUTES])
def test_another_users_object_is_refused_and_unchanged(app, world, rule, method):
    target = OBJECTS.get(rule.endpoint)
    if target is None:
        pytest.fail(f"{rule.rule} ({rule.endpoint}) takes an id but has no entry in tests/security/objects.py "
                    "OBJECTS: add how to make its object so its access rule is tested")
    made = target.build(world)
    path = build_path(rule, made.values)
    before = db_fingerprint()
    for name, user, expected in attackers(target.kind, world):
        response = send(client_for(app, user), method, path, made)
        status = response.status_code
        where = f"{method} {path} as {name}"
        if expected == NOT_FOUND:
            assert status == 404, f"{where}: {status}, expected 404"
        elif expected == LOGIN:
            assert status in (401, 404) or is_login_redirect(response), (
                f"{where}: {status}, expected 404, 401 or a login redirect")
        else:
            assert is_role_refusal(response), f"{where}: {status}, expected a refusal by role"
        if made.marker:
            assert made.marker not in response.get_data(as_text=True), f"{where}: A's data leaked"
        assert db_fingerprint() == before, f"{where} changed the database"

    if made.positive is None:
        return
    who, values = made.positive
    user = owner(target.kind, world) if who == "owner" else None
    response = send(client_for(app, user), method, build_path(rule, values or made.values), made)
    assert response.status_code != 404 and response.status_code < 500, (
        f"{method} {path} as the {who}: {response.status_code}; the fixture or the route is wrong")
    if method == "GET" and who == "anonymous":
        assert response.status_code == 200


def test_an_id_pair_mixing_own_and_foreign_objects_is_404(app, world):
    """Seller B names their own product but seller A's image: the image must not be found."""
    made = OBJECTS["seller.delete_image"].build(world)
    own = make_product(shop=world.shop_b, category=world.category)
    client = client_for(app, world.seller_b)
    before = db_fingerprint()
    for action in ("delete", "move"):
        response = client.post(f"/seller/products/{own.id}/images/{made.values['image_id']}/{action}",
                               data={"direction": "up"})
        assert response.status_code == 404
    assert db_fingerprint() == before


def test_ids_in_bodies_and_query_strings_are_scoped_to_the_caller(app, world):
    """Ids that travel outside the URL path: another buyer's cart line, order line and address."""
    line = OBJECTS["cart.update_line"].build(world).values["line_id"]
    order = OBJECTS["api.get_order"].build(world)
    item_id = db.session.get(Order, order.values["order_id"]).items[0].id
    own_address = make_address(world.buyer_b, is_default=True)
    own_line = CartItem(user_id=world.buyer_b.id, variant_id=world.product_a.variants[0].id, quantity=1)
    db.session.add(own_line)
    thief = client_for(app, world.buyer_b)
    before = db_fingerprint()

    # A's cart line with B's own address, then B's own cart line with A's address
    # (A's line is not in B's cart: 409 cart_changed, as for a line B's other tab just ordered)
    for n, (address_id, line_id, status) in enumerate([(own_address.id, line, 409), (world.address_a.id, own_line.id, 404)]):
        placed = thief.post("/api/v1/orders", json={"address_id": str(address_id), "cart_item_ids": [str(line_id)]},
                            headers={"Idempotency-Key": f"steal-{n}"})
        assert placed.status_code == status, placed.get_json()
        assert "42 Secret Street" not in placed.get_data(as_text=True)
    review = thief.post("/api/v1/reviews", json={"order_item_id": str(item_id), "rating": 1, "body": "x"})
    assert review.status_code == 403
    page = thief.get(f"/reviews/new?order_item_id={item_id}")
    assert page.status_code == 403
    assert "Alpha Secretkettle" not in page.get_data(as_text=True)
    assert db_fingerprint() == before


def test_the_table_names_only_existing_id_routes():
    """A renamed or removed route must leave tests/security/objects.py too, or the table lies."""
    id_endpoints = {rule.endpoint for rule, _ in ID_ROUTES}
    assert set(OBJECTS) <= id_endpoints, set(OBJECTS) - id_endpoints
