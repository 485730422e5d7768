"""Full-text search: ranking, accent folding both ways, filters, pagination, suggestions, hostile input."""
import json
import uuid

import pytest

from marketplace.extensions import db
from marketplace.models import ProductStatus, ShopStatus
from marketplace.services.catalog import listing_queries, search
from marketplace.services.catalog.listing_queries import ListingQuery, Sort
from tests.catalog_support import product_at, walk_pages
from tests.factories import make_category, make_product, make_shop


def found(q, **query):
    return [card.title for card in listing_queries.list_products(ListingQuery(text=q, limit=48, **query)).items]


def test_title_match_ranks_above_description_only_matches():
    # The description-only product mentions the words many times; the title match must still win.
    make_product(title="Bình giữ nhiệt", description="áo thun " * 20 + "đi kèm áo thun cotton")
    make_product(title="Áo thun cotton basic", description="Vải mềm.")
    assert found("áo thun") == ["Áo thun cotton basic", "Bình giữ nhiệt"]


@pytest.mark.parametrize("query, title", [
    ("ao thun", "Áo thun cotton basic"),  # typed without accents finds the accented title
    ("ÁO THUN", "Áo thun cotton basic"),
    ("cafe", "Café sữa đá"),
    ("ca phe", "Cà phê Arabica rang xay 500g"),
    ("Cà phê", "Cà phê Arabica rang xay 500g"),
    ("cafe\u0301", "Café sữa đá"),  # "é" sent decomposed (e + combining acute) still matches
    ("đien thoai", "Dien thoai Samsung"),  # accented query finds the unaccented title
    ("điện thoại", "Dien thoai Samsung"),
])
def test_search_is_accent_and_case_insensitive_both_ways(query, title):
    for name in ("Áo thun cotton basic", "Café sữa đá", "Cà phê Arabica rang xay 500g", "Dien thoai Samsung",
                 "Wireless earbuds Pro"):
        make_product(title=name, description="")
    assert found(query) == [title]


def test_websearch_syntax_quotes_or_and_exclusion():
    make_product(title="Áo thun đỏ", description="")
    make_product(title="Áo sơ mi đỏ", description="")
    make_product(title="Quần short", description="")
    assert sorted(found("ao -thun")) == ["Áo sơ mi đỏ"]
    assert sorted(found('"so mi" or short')) == ["Quần short", "Áo sơ mi đỏ"]


def test_search_combines_with_filters_and_other_sorts():
    category = make_category()
    shop = make_shop()
    product_at(1, price=3000, title="Trà xanh Thái Nguyên", category=category, shop=shop)
    product_at(2, price=1000, title="Trà sen Tây Hồ", category=category)
    product_at(3, price=2000, title="Trà đen", category=make_category())
    assert found("tra", sort=Sort.PRICE_ASC) == ["Trà sen Tây Hồ", "Trà đen", "Trà xanh Thái Nguyên"]
    assert found("tra", sort=Sort.NEWEST, category_ids=[category.id]) == ["Trà sen Tây Hồ", "Trà xanh Thái Nguyên"]
    assert found("tra", shop_id=shop.id) == ["Trà xanh Thái Nguyên"]
    assert found("tra", min_price=1500, max_price=2500) == ["Trà đen"]


def test_relevance_pagination_over_equal_ranks_never_repeats_or_skips():
    for n in range(25):
        make_product(title=f"Ốp lưng điện thoại mẫu {n}", description="")
    for n in range(6):
        make_product(title=f"Sạc nhanh {n}", description="Kèm ốp lưng")

    def page(cursor, limit):
        return listing_queries.list_products(ListingQuery(text="op lung", cursor=cursor, limit=limit))

    walked, pages = walk_pages(page, limit=4)
    assert len(walked) == len(set(walked)) == 31 and pages == 8
    titles = found("op lung")
    assert all(t.startswith("Ốp lưng") for t in titles[:25]) and all(t.startswith("Sạc") for t in titles[25:])


@pytest.fixture
def candidates(monkeypatch):
    """A small RELEVANCE_CANDIDATES (statements are built once per shape: rebuild them around it)."""
    def bound(n):
        monkeypatch.setattr(listing_queries, "RELEVANCE_CANDIDATES", n)
        listing_queries._statement.cache_clear()
    yield bound
    listing_queries._statement.cache_clear()


def test_relevance_ranks_the_best_selling_matches_and_pages_through_them(candidates):
    # The best sellers mention the words in their descriptions only; the title matches sell less.
    sellers = [product_at(n, price=1000, title=f"Bình nước {n}", description="kèm ốp lưng", sold=100 + n)
               for n in range(3)]
    titled = [product_at(10 + n, price=2000, title=f"Ốp lưng mẫu {n}", description="", sold=n) for n in range(3)]
    assert len(found("op lung")) == 6
    candidates(4)  # the 4 best sellers: the 3 description-only matches and the best-selling title match
    ranked = found("op lung")
    assert ranked[0] == "Ốp lưng mẫu 2" and set(ranked[1:]) == {p.title for p in sellers} and len(ranked) == 4
    walked, pages = walk_pages(lambda cursor, limit: listing_queries.list_products(
        ListingQuery(text="op lung", cursor=cursor, limit=limit)), limit=3)
    assert len(walked) == len(set(walked)) == 4 and pages == 2
    # Filters choose the candidates: all the title matches are in a search that filters the others out.
    assert sorted(found("op lung", min_price=1500)) == [p.title for p in titled]
    assert len(found("op lung", sort=Sort.NEWEST)) == 6  # other sorts see every match


def test_an_unfiltered_search_ranks_the_best_selling_title_matches_when_there_are_enough(candidates, monkeypatch):
    described = [product_at(n, price=1000, title=f"Bình nước {n}", description="kèm ốp lưng", sold=100 + n)
                 for n in range(3)]
    slow, fast, fastest = (product_at(10 + n, price=2000, title=f"Ốp lưng mẫu {n}", description="", sold=sold)
                           for n, sold in enumerate((0, 150, 200)))
    monkeypatch.setattr(listing_queries, "TITLE_WALK", 4)  # walks fastest, fast and two described ones
    monkeypatch.setattr(listing_queries, "TITLE_MATCHES_ENOUGH", 2)
    candidates(500)
    assert sorted(found("op lung")) == [fast.title, fastest.title]  # the title matches among the walked
    walked, pages = walk_pages(lambda cursor, limit: listing_queries.list_products(
        ListingQuery(text="op lung", cursor=cursor, limit=limit)), limit=1)
    assert len(walked) == 2 and pages == 2
    # Filters or too few title matches in the walk: every match is a candidate, as before.
    assert len(found("op lung", min_price=500)) == 6
    monkeypatch.setattr(listing_queries, "TITLE_MATCHES_ENOUGH", 3)
    candidates(500)
    assert sorted(found("op lung")) == sorted(p.title for p in [*described, slow, fast, fastest])


def test_the_title_walk_stops_at_the_floor_and_a_hidden_shop_takes_no_candidate_place(candidates, monkeypatch):
    """The walk reads the TITLE_WALK best sellers down to the floor (the last one's sales and id) and
    passes over a suspended shop's products: they neither show nor take the place of a visible one."""
    suspended = make_shop(status=ShopStatus.SUSPENDED)
    product_at(0, title="Ốp lưng hidden", description="", sold=900, shop=suspended)
    best, second, third = (product_at(n, title=f"Ốp lưng {n}", description="", sold=sold)
                           for n, sold in ((1, 500), (2, 400), (3, 300)))
    product_at(4, title="Ốp lưng chậm", description="", sold=10)
    monkeypatch.setattr(listing_queries, "TITLE_WALK", 4)  # the hidden one and three visible best sellers
    monkeypatch.setattr(listing_queries, "TITLE_MATCHES_ENOUGH", 2)
    assert listing_queries.title_walk_floor() == (third.sold_count, third.id)
    candidates(2)
    assert sorted(found("op lung")) == sorted([best.title, second.title])
    monkeypatch.setattr(listing_queries, "TITLE_WALK", 50)  # more than there are: below every product
    assert listing_queries.title_walk_floor() == (-1, uuid.UUID(int=0))


def test_hidden_deleted_draft_and_suspended_shop_products_are_never_found():
    make_product(title="Kem chống nắng visible", description="")
    for status in (ProductStatus.DRAFT, ProductStatus.HIDDEN, ProductStatus.DELETED):
        make_product(title=f"Kem chống nắng {status.value}", status=status)
    make_product(title="Kem chống nắng suspended", shop=make_shop(status=ShopStatus.SUSPENDED))
    assert found("kem chong nang") == ["Kem chống nắng visible"]
    assert [s.title for s in search.suggest("kem chong")] == ["Kem chống nắng visible"]


@pytest.mark.parametrize("hostile", ["'; DROP TABLE products; --", "%", "\\", "'", "a:* & !b", "(((", "<->", "\x00x"])
def test_injection_looking_queries_return_normally(hostile):
    make_product(title="Tai nghe không dây", description="")
    assert isinstance(found(hostile), list)
    assert isinstance(search.suggest(hostile), list)
    assert found("tai nghe") == ["Tai nghe không dây"]  # the table is still there


def test_suggestions_prefix_match_the_last_word_in_titles_best_sellers_first():
    product_at(1, title="Cà phê Arabica rang xay", sold=5, description="")
    product_at(2, title="Cà phê phin Robusta", sold=50, description="")
    product_at(3, title="Cà chua bi", sold=500, description="")
    make_product(title="Bình pha", description="cà phê ngon")  # description only: not a title suggestion
    assert [s.title for s in search.suggest("ca ph")] == ["Cà phê phin Robusta", "Cà phê Arabica rang xay"]
    assert [s.title for s in search.suggest("Cà")] == ["Cà chua bi", "Cà phê phin Robusta", "Cà phê Arabica rang xay"]
    assert search.suggest("c") == [] and search.suggest("  ") == []


def test_suggestions_are_capped_at_eight():
    for n in range(12):
        make_product(title=f"Bánh quy bơ {n}", description="")
    assert len(search.suggest("banh q")) == 8


def test_prefix_query_is_built_only_from_letters_and_digits():
    assert search.prefix_tsquery_text("Áo th") == "ao:A & th:*A"
    assert search.prefix_tsquery_text("x'); DROP--") == "x:A & drop:*A"
    assert search.prefix_tsquery_text("!!! ***") is None


def _plan_nodes(node):
    yield node
    for child in node.get("Plans", []):
        yield from _plan_nodes(child)


def test_a_title_walk_page_reads_a_product_row_per_card_shown_not_per_candidate(candidates, monkeypatch):
    """The title walk's candidates are ranked from the index (their titles); only the cards of the page
    read their product rows. Ranking 500 candidates by their whole text had read 500 rows, most of a
    cold broad search's database time at a million products."""
    for n in range(30):
        product_at(n, title=f"Ốp lưng mẫu {n}", description="ốp lưng " * n, sold=100 + n)
    twice = product_at(40, title="Ốp lưng ốp lưng silicon", description="", sold=1)
    monkeypatch.setattr(listing_queries, "TITLE_MATCHES_ENOUGH", 2)
    candidates(500)
    query = ListingQuery(text="op lung", limit=4)
    # the title decides the order: the title that says it twice, though it sells least
    assert found("op lung")[0] == twice.title
    statement = listing_queries.listing_statement(query)
    compiled = statement.compile(dialect=db.engine.dialect, compile_kwargs={"render_postcompile": True})
    cursor = db.session.connection().connection.driver_connection.cursor()
    # The planner sees these rows, not the statistics earlier tests left (ANALYZE counts this transaction's
    # own), and takes each row by an index, one at a time, as on a big table.
    db.session.execute(db.text("ANALYZE products, shops"))
    for setting in ("enable_seqscan", "enable_bitmapscan", "enable_hashjoin", "enable_mergejoin"):
        db.session.execute(db.text(f"SET LOCAL {setting} = off"))
    cursor.execute("EXPLAIN (ANALYZE, FORMAT JSON) " + str(compiled), compiled.params)
    nodes = list(_plan_nodes(cursor.fetchone()[0][0]["Plan"]))
    # the rows of the page's own products table (the walk and the fallback read theirs under aliases:
    # products_1, ...; at scale the walk is an index-only scan, here a tiny table may take its rows)
    row_reads = sum(node.get("Actual Loops", 0) * node.get("Actual Rows", 0) for node in nodes
                    if node.get("Relation Name") == "products" and node.get("Alias") == "products")
    assert row_reads == 5, json.dumps(nodes)  # the page's 4 cards and the one that says there is a next page
