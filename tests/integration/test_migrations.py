"""Every migration upgrades and downgrades: head -> base -> head on a database of its own."""
import pytest
from flask_migrate import downgrade, upgrade
from sqlalchemy import inspect, text
from sqlalchemy.exc import IntegrityError

from marketplace import create_app
from marketplace.extensions import db
from tests import database
from tests.conftest import make_test_config


def test_the_migrations_go_down_to_nothing_and_back_up():
    app = create_app(make_test_config(database.fresh_database("_migrations")))
    directory = str(database.ROOT / "migrations")
    with app.app_context():
        try:
            upgrade(directory=directory)
            head_tables = set(inspect(db.engine).get_table_names())
            with db.engine.connect() as conn:
                versions = {name for (name,) in conn.execute(text("SELECT name FROM cache_versions"))}
            assert {"products", "orders", "cache_versions"} <= head_tables
            assert versions == {"categories", "shops", "catalog", "reviews"}

            downgrade(directory=directory, revision="base")
            assert set(inspect(db.engine).get_table_names()) <= {"alembic_version"}

            upgrade(directory=directory)
            assert set(inspect(db.engine).get_table_names()) == head_tables
        finally:
            db.engine.dispose()


SEED_DETACHED_PRODUCT = """
INSERT INTO users (id, email, full_name, password_hash, role, status, is_verified)
VALUES ('00000000-0000-0000-0000-0000000000a1', 'seller@example.com', 'Seller', 'x', 'SELLER', 'ACTIVE', true);
INSERT INTO shops (id, owner_id, name, slug, description, status)
VALUES ('00000000-0000-0000-0000-0000000000b1', '00000000-0000-0000-0000-0000000000a1', 'Shop', 'shop', '', 'ACTIVE');
INSERT INTO categories (id, name, slug, position) VALUES ('00000000-0000-0000-0000-0000000000c1', 'Kept', 'kept', 0);
INSERT INTO products (id, shop_id, category_id, title, description, status, min_price, rating_sum, review_count,
                      average_rating, sold_count)
VALUES ('00000000-0000-0000-0000-0000000000d1', '00000000-0000-0000-0000-0000000000b1', NULL, 'Gone', '',
        'DELETED', 0, 0, 0, 0, 0),
       ('00000000-0000-0000-0000-0000000000d2', '00000000-0000-0000-0000-0000000000b1',
        '00000000-0000-0000-0000-0000000000c1', 'Live', '', 'ACTIVE', 0, 0, 0, 0, 0);
"""


def test_catdel01_detached_deleted_products_survive_a_downgrade_and_the_check_holds():
    """catdel01: only a DELETED product may lose its category; going down gives it one back, then up again."""
    app = create_app(make_test_config(database.fresh_database("_catdel01")))
    directory = str(database.ROOT / "migrations")

    def category_of(conn, product_id):
        return conn.execute(text("SELECT c.slug FROM products p LEFT JOIN categories c ON c.id = p.category_id "
                                 "WHERE p.id = :id"), {"id": product_id}).scalar()

    with app.app_context():
        try:
            upgrade(directory=directory, revision="catdel01")
            with db.engine.begin() as conn:
                conn.execute(text(SEED_DETACHED_PRODUCT))
            with db.engine.connect() as conn, pytest.raises(IntegrityError, match="category_unless_deleted"):
                conn.execute(text("UPDATE products SET category_id = NULL WHERE title = 'Live'"))

            downgrade(directory=directory, revision="perf02")
            with db.engine.connect() as conn:
                assert category_of(conn, "00000000-0000-0000-0000-0000000000d1") == "deleted-products-archive"
                assert category_of(conn, "00000000-0000-0000-0000-0000000000d2") == "kept"
            assert not next(c for c in inspect(db.engine).get_columns("products") if c["name"] == "category_id")[
                "nullable"]

            upgrade(directory=directory)
            column = next(c for c in inspect(db.engine).get_columns("products") if c["name"] == "category_id")
            checks = {c["name"] for c in inspect(db.engine).get_check_constraints("products")}
            assert column["nullable"] and "ck_products_category_unless_deleted" in checks
        finally:
            db.engine.dispose()


def test_the_models_and_the_migrations_agree(app):
    """Alembic's autogenerate finds nothing to write: every model change has its migration."""
    from alembic.autogenerate import compare_metadata
    from alembic.migration import MigrationContext

    context = MigrationContext.configure(db.session.connection(), opts={"compare_type": True})
    assert compare_metadata(context, db.metadata) == []


SEED_FOLDED_PRODUCTS = SEED_DETACHED_PRODUCT.split("INSERT INTO products")[0] + """
INSERT INTO products (id, shop_id, category_id, title, description, status, min_price, rating_sum, review_count,
                      average_rating, sold_count)
VALUES ('00000000-0000-0000-0000-0000000000e1', '00000000-0000-0000-0000-0000000000b1',
        '00000000-0000-0000-0000-0000000000c1', 'Trà Čaj Řeřicha', 'Hộp 100 g', 'ACTIVE', 0, 0, 0, 0, 0),
       ('00000000-0000-0000-0000-0000000000e2', '00000000-0000-0000-0000-0000000000b1',
        '00000000-0000-0000-0000-0000000000c1', 'Cà phê Đà Lạt', 'Rang mộc', 'ACTIVE', 0, 0, 0, 0, 0);
"""


def test_fold01_folds_every_accent_and_recomputes_what_it_changes():
    """fold01: a title with letters the old list missed ("Čaj") is found as "caj" once the search columns
    and search_words are computed again; a Vietnamese title folds as before; the downgrade restores both."""
    app = create_app(make_test_config(database.fresh_database("_fold01")))
    directory = str(database.ROOT / "migrations")

    def state(conn):
        words = {w for (w,) in conn.execute(text("SELECT word FROM search_words"))}
        found = set(conn.execute(text("SELECT title FROM products WHERE search_vector @@ "
                                      "websearch_to_tsquery('simple', fold_search_text('Caj řeřicha'))")).scalars())
        vietnamese = conn.execute(text("SELECT title_vector::text FROM products WHERE title = 'Cà phê Đà Lạt'"))
        return words, found, vietnamese.scalar()

    with app.app_context():
        try:
            upgrade(directory=directory, revision="led02")
            with db.engine.begin() as conn:
                conn.execute(text(SEED_FOLDED_PRODUCTS))
            with db.engine.connect() as conn:
                words, found, vietnamese = state(conn)
            assert "caj" not in words and found == set() and vietnamese == "'ca':1 'da':3 'lat':4 'phe':2"

            upgrade(directory=directory, revision="fold01")
            with db.engine.connect() as conn:
                words, found, after = state(conn)
            assert {"tra", "caj", "rericha", "ca", "phe", "lat"} <= words
            assert found == {"Trà Čaj Řeřicha"} and after == vietnamese

            downgrade(directory=directory, revision="led02")
            with db.engine.connect() as conn:
                assert state(conn) == ({"tra", "ca", "da", "phe", "lat"}, set(), vietnamese)
        finally:
            db.engine.dispose()
