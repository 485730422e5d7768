"""scripts/backup.sh and scripts/restore.sh round-trip a real, migrated, seeded database."""
import os
import re
import shutil
import subprocess
from pathlib import Path

import pytest
from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url
from sqlalchemy.exc import DBAPIError

from marketplace import create_app
from marketplace.extensions import db
from marketplace.models import OrderStatus, Role
from marketplace.services.core import audit
from tests import database
from tests.conftest import make_test_config
from tests.factories import make_address, make_order, make_product, make_shop, make_user

ROOT = Path(__file__).resolve().parents[2]
BACKUP = ROOT / "scripts" / "backup.sh"
RESTORE = ROOT / "scripts" / "restore.sh"

def _tools_major(bin_dir: Path) -> int | None:
    try:
        out = subprocess.run([str(bin_dir / "pg_dump"), "--version"], capture_output=True, text=True, timeout=30).stdout
        return int(out.split()[-1].split(".")[0])
    except (OSError, ValueError, IndexError, subprocess.SubprocessError):
        return None


def _client_env(server_major: int) -> dict:
    """pg_dump/pg_restore of the server's major version: Debian's side-by-side install, the ones on
    PATH, or those shipped with pgserver (the embedded server); skip when none match."""
    import pgserver

    candidates = [Path(f"/usr/lib/postgresql/{server_major}/bin"),
                  Path(shutil.which("pg_dump") or "/nonexistent").parent,
                  Path(pgserver.__file__).parent / "pginstall" / "bin"]
    for bin_dir in candidates:
        if (bin_dir / "pg_restore").exists() and (_tools_major(bin_dir) or 0) >= server_major:
            return {**os.environ, "PG_DUMP": str(bin_dir / "pg_dump"), "PG_RESTORE": str(bin_dir / "pg_restore")}
    pytest.skip(f"no pg_dump/pg_restore of version {server_major} or newer is installed")


def _run(args: list, env: dict, stdin=subprocess.DEVNULL) -> subprocess.CompletedProcess:
    return subprocess.run(["bash", *map(str, args)], cwd=ROOT, env=env, stdin=stdin,
                          capture_output=True, text=True, timeout=120)


def _snapshot(url: str) -> dict:
    """Row count of every table, and checksums of the money-bearing tables' full rows."""
    engine = create_engine(url)
    try:
        with engine.connect() as conn:
            tables = conn.scalars(text(
                "SELECT tablename FROM pg_tables WHERE schemaname = 'public' ORDER BY tablename")).all()
            snapshot = {f"count:{t}": conn.scalar(text(f'SELECT count(*) FROM "{t}"')) for t in tables}
            for table in {"orders", "order_items", "users", "product_variants"} & set(tables):
                snapshot[f"md5:{table}"] = conn.scalar(text(
                    f"SELECT md5(string_agg(t::text, '|' ORDER BY t.id)) FROM {table} t"))
    finally:
        engine.dispose()
    return snapshot


@pytest.fixture
def scratch(app, committed_app):
    """A scratch database beside the test database, dropped afterwards whatever happens."""
    base = make_url(app.config["SQLALCHEMY_DATABASE_URI"])
    name = f"{base.database}_backup"
    url = base.set(database=name).render_as_string(hide_password=False)
    admin = create_engine(base.set(database="postgres"), isolation_level="AUTOCOMMIT")

    def recreate(empty_only: bool = False):
        with admin.connect() as conn:
            conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
            if not empty_only:
                conn.execute(text(f'CREATE DATABASE "{name}"'))

    recreate()
    with admin.connect() as conn:
        server_major = int(conn.scalar(text("SHOW server_version_num"))) // 10000
    try:
        yield {"name": name, "url": url, "recreate": recreate, "env": _client_env(server_major)}
    finally:
        recreate(empty_only=True)
        admin.dispose()


def _seed(url: str) -> None:
    scratch_app = create_app(make_test_config(url))
    database.migrate(scratch_app)
    with scratch_app.app_context():
        admin = make_user(role=Role.ADMIN, full_name="Ops Admin")
        buyers = [make_user(full_name=f"Người mua {n}") for n in range(3)]
        for buyer in buyers:
            make_address(buyer, is_default=True)
        for n in range(2):
            shop = make_shop(name=f"Cửa hàng {n}")
            audit.record(admin, "shop.approve", "shop", shop.id, reason="looks fine")
            for m in range(2):
                product = make_product(shop=shop, title=f"Áo thun {n}-{m}",
                                       variants=[{"price": 19900 + m, "stock": 7}, {"price": 25000, "stock": 0}])
                for buyer in buyers:
                    make_order(buyer, product, quantity=m + 1, status=OrderStatus.CONFIRMED)
        db.session.commit()
        db.engine.dispose()


def test_backup_then_restore_gives_back_the_same_database(scratch, tmp_path):
    _seed(scratch["url"])
    before = _snapshot(scratch["url"])
    assert before["count:orders"] == 12 and before["count:users"] >= 4 and before["count:alembic_version"] == 1

    env = {**scratch["env"], "BACKUP_DIR": str(tmp_path), "DATABASE_URL": ""}
    # A SQLAlchemy-style URL (with a driver) is accepted too.
    sqlalchemy_url = scratch["url"].replace("postgresql://", "postgresql+psycopg2://", 1)
    result = _run([BACKUP, sqlalchemy_url], env)
    assert result.returncode == 0, result.stderr
    dump = Path(result.stdout.strip().splitlines()[-1])
    assert dump.parent == tmp_path and dump.exists() and dump.stat().st_size > 0
    assert re.fullmatch(rf"marketplace-{scratch['name']}-\d{{8}}T\d{{6}}Z\.dump", dump.name)
    assert not list(tmp_path.glob("*.partial"))

    scratch["recreate"]()  # the disaster: the database is gone (an empty one stands in its place)
    assert _snapshot(scratch["url"]) == {}

    result = _run([RESTORE, "--yes", dump, scratch["url"]], env)
    assert result.returncode == 0, result.stderr
    assert _snapshot(scratch["url"]) == before

    engine = create_engine(scratch["url"])
    try:
        with engine.connect() as conn:
            # The function behind the generated search column and the audit guard came back too.
            hits = conn.scalar(text("SELECT count(*) FROM products WHERE search_vector @@ websearch_to_tsquery('simple', 'ao thun')"))
            assert hits == 4
            with pytest.raises(DBAPIError, match="append-only"):
                conn.execute(text("DELETE FROM audit_log"))
    finally:
        engine.dispose()


def test_restore_refuses_without_a_file_or_confirmation(scratch, tmp_path):
    env = {**scratch["env"], "DATABASE_URL": scratch["url"], "BACKUP_DIR": str(tmp_path)}
    no_file = _run([RESTORE], env)
    assert no_file.returncode == 2 and "no backup file" in no_file.stderr
    missing = _run([RESTORE, "--yes", tmp_path / "nope.dump"], env)
    assert missing.returncode == 2 and "does not exist" in missing.stderr

    junk = tmp_path / "junk.dump"
    junk.write_bytes(b"not a dump")
    assert _run([RESTORE, "--yes", junk], env).returncode != 0

    result = _run([BACKUP], env)  # DATABASE_URL from the environment
    assert result.returncode == 0, result.stderr
    dump = Path(result.stdout.strip().splitlines()[-1])
    unconfirmed = _run([RESTORE, dump], env)  # no terminal, no --yes
    assert unconfirmed.returncode == 2 and "pass --yes" in unconfirmed.stderr


def test_backup_needs_a_database_url(tmp_path):
    env = {k: v for k, v in os.environ.items() if k != "DATABASE_URL"}
    result = _run([BACKUP], {**env, "BACKUP_DIR": str(tmp_path)})
    assert result.returncode == 2 and "usage" in result.stderr
    assert list(tmp_path.iterdir()) == []
