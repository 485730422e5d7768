"""A product's card thumbnail is its first picture's, kept on its row by the database (migration perf07).

Listing cards read products.thumb_key instead of looking up each card's first picture. The
triggers on product_images set it in the statement that adds, reorders, moves or removes
pictures, once per product whatever the number of pictures; services never write it. Checked
against the pictures themselves after each kind of change, and by plan: a listing page reads
no picture rows.
"""
import json

from sqlalchemy import text

from marketplace.extensions import db
from marketplace.models import ProductImage
from marketplace.services.catalog import listing_queries
from marketplace.services.catalog.listing_queries import ListingQuery, Sort
from tests.catalog_support import add_image
from tests.factories import make_product


def _thumb(product) -> str | None:
    return db.session.scalar(text("SELECT thumb_key FROM products WHERE id = :id"), {"id": product.id})


def _first_picture(product) -> str | None:
    return db.session.scalar(text("SELECT thumb_key FROM product_images WHERE product_id = :id "
                                  "ORDER BY position, id LIMIT 1"), {"id": product.id})


def test_the_thumbnail_follows_the_first_picture_through_every_change(app):
    product = make_product(title="Clay teapot")
    assert _thumb(product) is None  # no picture yet
    second = add_image(product, position=1, key="teapot-side")
    assert _thumb(product) == "teapot-side-thumb.webp"
    first = add_image(product, position=0, key="teapot-front")
    assert _thumb(product) == "teapot-front-thumb.webp"  # a new first picture

    first.position, second.position = 2, 0  # reordered: the side view leads
    db.session.flush()
    assert _thumb(product) == "teapot-side-thumb.webp" == _first_picture(product)

    other = make_product(title="Steel kettle")
    second.product_id = other.id  # moved to another product: both rows follow
    db.session.flush()
    assert (_thumb(product), _thumb(other)) == ("teapot-front-thumb.webp", "teapot-side-thumb.webp")

    db.session.delete(first)
    db.session.flush()
    assert _thumb(product) is None  # its last picture gone


def test_many_pictures_in_one_statement_write_each_product_row_once(app):
    products = [make_product(title=f"Mug {n}") for n in range(3)]
    db.session.flush()
    writes = text("SELECT n_tup_upd FROM pg_stat_xact_user_tables WHERE relname = 'products'")
    before = db.session.scalar(writes)
    db.session.execute(text(
        "INSERT INTO product_images (id, product_id, storage_key, thumb_key, position) "
        "SELECT gen_random_uuid(), p.id, 'k', 'mug-' || n || '-thumb.webp', 10 - n "
        "FROM unnest(CAST(:ids AS uuid[])) AS p(id), generate_series(1, 10) AS n"), {"ids": [p.id for p in products]})
    assert db.session.scalar(writes) - before == 3  # 30 pictures, one write per product
    assert [_thumb(p) for p in products] == ["mug-10-thumb.webp"] * 3  # position 0: the tenth
    assert all(_thumb(p) == _first_picture(p) for p in products)


def test_deleting_a_product_takes_its_pictures_without_complaint(app):
    product = make_product(title="Gone")
    add_image(product)
    db.session.execute(text("DELETE FROM products WHERE id = :id"), {"id": product.id})
    assert db.session.scalar(text("SELECT count(*) FROM product_images WHERE product_id = :id"),
                             {"id": product.id}) == 0


def test_a_listing_page_shows_the_thumbnail_without_reading_pictures(app):
    products = [make_product(title=f"Bowl {n}") for n in range(3)]
    for n, product in enumerate(products):
        add_image(product, key=f"bowl-{n}")
    cards = listing_queries.list_products(ListingQuery(sort=Sort.NEWEST)).items
    assert {card.title: card.thumb_key for card in cards} == {f"Bowl {n}": f"bowl-{n}-thumb.webp" for n in range(3)}
    statement = listing_queries.listing_statement(ListingQuery(sort=Sort.NEWEST))
    compiled = statement.compile(dialect=db.engine.dialect, compile_kwargs={"render_postcompile": True})
    cursor = db.session.connection().connection.driver_connection.cursor()
    cursor.execute("EXPLAIN (FORMAT JSON) " + str(compiled), compiled.params)
    plan = json.dumps(cursor.fetchone()[0])
    assert ProductImage.__tablename__ not in plan
