"""Every migration upgrades and downgrades: head -> base -> head on a database of its own."""
from flask_migrate import downgrade, upgrade
from sqlalchemy import inspect, text

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
