"""One product's change leaves every other product's cached page alone (migration perf04).

A product page is keyed on its own page version and stock (storefront_cache.live_state) and on
the few global versions it shows (categories, shops, reviewers' names): a review, a sale that
empties a variant, a new picture or a price change of another product no longer empties it
(shops stay global: registering or editing a shop is rare, and its name is on its pages),
while any change of its own still shows on the next request. Counted, not timed: which
product rows a statement writes (pg_stat_xact_user_tables, xmin).
"""
from sqlalchemy import text

from marketplace.extensions import db
from marketplace.services.core import rollups
from marketplace.models import Category, Product, ProductVariant, Review, Shop, User
from marketplace.money import format_money
from tests.catalog_support import add_image
from tests.factories import make_order, make_product
from tests.integration.test_page_cache import committed_looking, visit


def _review(product, body="Good", rating=5) -> Review:
    order = make_order(product=product)
    review = Review(product_id=product.id, order_item_id=order.items[0].id, user_id=order.buyer_id,
                    rating=rating, body=body, has_images=False)
    db.session.add(review)
    return review


def _page_version(product) -> int:
    return db.session.scalar(text("SELECT page_version FROM products WHERE id = :id"), {"id": product.id})


def test_changes_of_other_products_leave_a_product_page_cached(app, client):
    kept = make_product(title="Clay teapot", variants=[{"price": 1000, "stock": 5}])
    other = make_product(title="Steel kettle", variants=[{"price": 3000, "stock": 1}])
    url = f"/p/{kept.id}"
    committed_looking()
    assert visit(client, url)[0] == "MISS"
    assert visit(client, url)[0] == "HIT"

    changes = [
        lambda: _review(other, "Boils fast"),                                       # a review ('reviews' before)
        lambda: setattr(db.session.get(ProductVariant, other.variants[0].id), "stock", 0),  # sold out ('catalog')
        lambda: setattr(db.session.get(ProductVariant, other.variants[0].id), "price", 2500),
        lambda: add_image(other),
        lambda: setattr(db.session.get(Product, other.id), "title", "Steel kettle 2L"),
        lambda: make_product(shop=db.session.get(Shop, other.shop_id),
                             category=db.session.get(Category, other.category_id), title="A new product"),
    ]
    for number, change in enumerate(changes):
        before = dict(rollups.cache_versions())
        change()
        committed_looking()
        assert visit(client, url)[0] == "HIT", (number, before, rollups.cache_versions())


def test_every_change_of_the_product_itself_shows_on_the_next_request(app, client):
    product = make_product(title="Rice cooker", variants=[{"price": 1000, "stock": 5, "name": "Small"}])
    url = f"/p/{product.id}"
    review = _review(product, "Cooks well")
    committed_looking()
    assert visit(client, url)[0] == "MISS"
    assert visit(client, url)[0] == "HIT"

    variant = db.session.get(ProductVariant, product.variants[0].id)
    changes = [
        (lambda: setattr(variant, "price", 1200), format_money(1200)),
        (lambda: setattr(variant, "name", "Family size"), "Family size"),
        (lambda: add_image(product), "products/"),
        (lambda: setattr(review, "seller_reply", "Thank you!"), "Thank you!"),
        (lambda: setattr(review, "body", "Cooks rice well"), "Cooks rice well"),
        (lambda: _review(product, "Fluffy rice", rating=4), "Fluffy rice"),
        (lambda: setattr(db.session.get(Product, product.id), "description", "Ceramic bowl"), "Ceramic bowl"),
        (lambda: setattr(db.session.get(Shop, product.shop_id), "name", "Bếp Nhà Lan"), "Bếp Nhà Lan"),
    ]
    for change, shown in changes:
        change()
        committed_looking()
        state, page = visit(client, url)
        assert state == "MISS" and shown in page, shown
        assert visit(client, url)[0] == "HIT"


def test_a_sale_writes_no_product_row_and_its_stock_still_shows(app, client):
    product = make_product(title="Glass jar", variants=[{"price": 1000, "stock": 5}])
    url = f"/p/{product.id}"
    committed_looking()
    before = _page_version(product)
    xmin = db.session.scalar(text("SELECT xmin::text FROM products WHERE id = :id"), {"id": product.id})
    visit(client, url)
    db.session.execute(text("UPDATE product_variants SET stock = stock - 1 WHERE product_id = :id"),
                       {"id": product.id})  # what checkout's _take_stock does
    committed_looking()
    assert _page_version(product) == before
    assert db.session.scalar(text("SELECT xmin::text FROM products WHERE id = :id"), {"id": product.id}) == xmin
    state, page = visit(client, url)
    assert state == "MISS"  # the live stock is part of the key
    assert visit(client, url)[0] == "HIT"


def test_a_bulk_edit_writes_each_product_row_once(app):
    product = make_product(variants=[{"price": 1000 + i, "stock": 5, "name": f"Size {i}"} for i in range(40)])
    reviewer_product = make_product()
    for i in range(30):
        _review(reviewer_product, f"Review {i}")
    db.session.flush()
    writes = text("SELECT n_tup_upd FROM pg_stat_xact_user_tables WHERE relname = 'products'")
    before = db.session.scalar(writes)
    db.session.execute(text("UPDATE product_variants SET price = price + 100 WHERE product_id = :id"),
                       {"id": product.id})
    db.session.execute(text("UPDATE reviews SET body = body || '!' WHERE product_id = :id"),
                       {"id": reviewer_product.id})
    assert db.session.scalar(writes) - before == 2  # one write per product, not 40 + 30


def test_a_reviewers_new_name_moves_the_pages_of_their_reviews(app, client):
    product = make_product(title="Kettle")
    review = _review(product, "Quiet")
    user = db.session.get(User, review.user_id)
    user.full_name = "Minh Nguyen"
    url = f"/p/{product.id}"
    committed_looking()
    visit(client, url)
    assert visit(client, url)[0] == "HIT"
    user.full_name = "Minh Pham"
    committed_looking()
    state, page = visit(client, url)
    assert state == "MISS" and "Minh P." in page
