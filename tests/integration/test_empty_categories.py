"""Storefront menus offer only categories with something to buy (services/catalog/category_queries.stocked_ids)."""
from marketplace.extensions import db
from marketplace.models import ProductStatus, ShopStatus
from marketplace.services.catalog.category_queries import stocked_ids
from marketplace.services.core import rollups
from tests.factories import make_category, make_product, make_shop


def home_tiles(client) -> str:
    html = client.get("/").get_data(as_text=True)
    if 'id="categories-heading"' not in html:
        return ""
    return html[html.index('id="categories-heading"'):html.index("</section>", html.index('id="categories-heading"'))]


def test_home_and_subcategory_links_hide_categories_with_nothing_to_buy(client):
    fashion = make_category(name="Thời trang", slug="thoi-trang")
    tops = make_category(parent=fashion, name="Áo", slug="ao")
    tees = make_category(parent=tops, name="Áo thun", slug="ao-thun")
    make_category(parent=fashion, name="Quần", slug="quan")  # empty
    drafts = make_category(parent=fashion, name="Váy", slug="vay")
    closed = make_category(parent=fashion, name="Giày", slug="giay")
    make_category(name="Điện tử", slug="dien-tu")  # empty top level
    make_product(category=tees)  # a grandchild is enough for its parents to show
    make_product(category=drafts, status=ProductStatus.DRAFT)
    make_product(category=closed, shop=make_shop(status=ShopStatus.SUSPENDED))

    tiles = home_tiles(client)
    assert 'href="/c/thoi-trang"' in tiles and 'href="/c/dien-tu"' not in tiles
    html = client.get("/c/thoi-trang").get_data(as_text=True)
    subcategories = html[html.index('aria-label="Subcategories"'):]
    subcategories = subcategories[:subcategories.index("</nav>")]
    assert 'href="/c/ao"' in subcategories
    for hidden in ("quan", "vay", "giay"):
        assert f'href="/c/{hidden}"' not in subcategories
    assert client.get("/c/quan").status_code == 200  # its own page still answers (a shared link keeps working)


def test_a_category_shows_once_it_has_something_to_buy_and_hides_when_it_is_gone(client):
    empty = make_category(name="Thể thao", slug="the-thao")
    db.session.flush()
    assert 'href="/c/the-thao"' not in home_tiles(client)
    product = make_product(category=empty)
    assert 'href="/c/the-thao"' in home_tiles(client)  # the catalog's version moved: a fresh answer
    product.status = ProductStatus.HIDDEN
    db.session.flush()
    assert 'href="/c/the-thao"' not in home_tiles(client)


def test_stocked_ids_is_one_statement_and_then_cached_until_the_catalog_changes(app, count_queries):
    parent = make_category()
    child = make_category(parent=parent)
    make_category()
    make_product(category=child)
    rollups.include_pending()
    rollups.cache_versions()
    from marketplace.services.catalog.category_queries import get_tree

    get_tree()
    with count_queries() as statements:
        first = stocked_ids()
    assert first == {parent.id, child.id} and len(statements) == 1
    with count_queries() as statements:
        assert stocked_ids() is first
    assert statements == []


def test_the_probe_stops_at_each_categorys_first_visible_product(app):
    """Planned as at a million products (no sequential scans): each category's probe is a LIMIT 1 over
    an index scan that stops at the first visible product, not a bitmap of every product of the
    category, as the EXISTS form was (200-400 ms at 1,000,000 products; bench/README.md)."""
    from sqlalchemy import text
    from sqlalchemy.dialects import postgresql

    from marketplace.services.catalog.category_queries import _stocked_statement

    tree = [make_category() for _ in range(3)]
    for category in tree:
        for _ in range(4):
            make_product(category=category)
    sql = str(_stocked_statement().compile(dialect=postgresql.dialect(), compile_kwargs={"literal_binds": True}))
    db.session.execute(text("SET LOCAL enable_seqscan = off"))
    plan = "\n".join(row[0] for row in db.session.execute(text("EXPLAIN " + sql)))
    db.session.execute(text("SET LOCAL enable_seqscan = on"))
    assert "Limit" in plan and "Bitmap Heap Scan on products" not in plan, plan
