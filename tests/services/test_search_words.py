"""The catalogue's words (migration srch01) follow every product change in its transaction, and the
spelling service corrects against them (services/catalog/spelling.py)."""
import base64

import pytest
from sqlalchemy import delete, insert, select, update

from marketplace.extensions import db
from marketplace.models import Product, ProductStatus, SearchWord
from marketplace.services.catalog import recent_searches, spelling
from marketplace.services.catalog.spelling import Vocabulary
from tests.factories import make_category, make_product, make_shop


def words(*names) -> dict[str, int]:
    rows = db.session.execute(select(SearchWord.word, SearchWord.products).where(SearchWord.word.in_(names)))
    return dict(rows.all())


def test_an_active_product_s_title_words_are_counted_folded_once_each():
    make_product(title="Áo Hoodie nỉ hoodie 2 lớp")
    make_product(title="Áo thun")
    assert words("ao", "hoodie", "ni", "lop", "thun", "2") == {"ao": 2, "hoodie": 1, "ni": 1, "lop": 1, "thun": 1}


def test_drafts_hidden_and_deleted_products_lend_no_words():
    for status in (ProductStatus.DRAFT, ProductStatus.HIDDEN, ProductStatus.DELETED):
        make_product(title="Zephyrine lamp", status=status)
    assert words("zephyrine") == {}


def test_an_edit_moves_the_counts_and_a_word_nobody_uses_leaves():
    product = make_product(title="Bình giữ nhiệt")
    make_product(title="Bình hoa")
    product.title = "Ly giữ nhiệt"
    db.session.flush()
    assert words("binh", "ly", "giu", "nhiet", "hoa") == {"binh": 1, "ly": 1, "giu": 1, "nhiet": 1, "hoa": 1}
    product.status = ProductStatus.HIDDEN
    db.session.flush()
    assert words("ly", "giu", "binh") == {"binh": 1}
    product.status = ProductStatus.ACTIVE
    db.session.flush()
    assert words("ly", "giu") == {"ly": 1, "giu": 1}


def test_statements_of_many_rows_and_deletes_count_each_product():
    shop, category = make_shop(), make_category()
    rows = [{"shop_id": shop.id, "category_id": category.id, "title": f"Quokka plush {n}", "description": "",
             "status": ProductStatus.ACTIVE} for n in range(30)]
    db.session.execute(insert(Product), rows)
    assert words("quokka", "plush") == {"quokka": 30, "plush": 30}
    db.session.execute(update(Product).where(Product.title.like("Quokka plush 1%")).values(sold_count=5))
    assert words("quokka") == {"quokka": 30}  # nothing the words depend on moved
    db.session.execute(update(Product).where(Product.title.like("Quokka plush 1%")).values(title="Wombat plush"))
    assert words("quokka", "wombat", "plush") == {"quokka": 19, "wombat": 11, "plush": 30}
    db.session.execute(delete(Product).where(Product.title.like("Quokka%")))
    assert words("quokka", "wombat", "plush") == {"wombat": 11, "plush": 11}


VOCABULARY = Vocabulary.of([("hoodie", 40), ("hoodies", 2), ("tai", 90), ("nghe", 80), ("ao", 300), ("thun", 120),
                            ("denim", 5), ("den", 30), ("in", 4), ("128gb", 9), ("ca", 50), ("phe", 45)])


@pytest.mark.parametrize("typed, meant", [
    ("hodie", "hoodie"), ("hoodei", "hoodie"), ("nge", "nghe"), ("tainghe", "tai nghe"), ("aothun", "ao thun"),
    ("denin", "denim"), ("caphe", "ca phe"),
])
def test_an_unknown_word_becomes_the_closest_known_one_or_two(typed, meant):
    assert VOCABULARY.correct_word(typed) == meant


@pytest.mark.parametrize("typed", ["hoodie", "ao", "xy", "1280", "zzzzzz", "ĸĸĸĸ", "tea", "den"])
def test_known_short_numeric_or_unlike_words_stay(typed):
    assert VOCABULARY.correct_word(typed) is None


def test_a_rare_known_word_yields_to_a_far_more_common_one_a_typo_away():
    assert VOCABULARY.correct_word("hoodies") == "hoodie"  # 2 products against 40
    assert Vocabulary.of([("hoodie", 40), ("hodie", 9)]).correct_word("hodie") is None  # not rare enough


def test_a_tie_goes_to_the_word_more_products_use():
    vocabulary = Vocabulary.of([("shirt", 3), ("skirt", 30)])
    assert vocabulary.correct_word("shirtt") == "shirt"  # closer wins over more common
    assert vocabulary.correct_word("sxirt") == "skirt"   # as close to both: the more common one


def test_a_query_keeps_its_accents_and_punctuation_around_the_fixed_words(app):
    make_product(title="Áo hoodie nỉ")
    make_product(title="Tai nghe bluetooth")
    assert spelling.correct("Áo  hodie, nỉ") == "Áo  hoodie, nỉ"
    assert spelling.correct("TAI NGE") == "TAI nghe"
    assert spelling.correct("áo hoodie") is None
    assert spelling.correct("!!") is None


def test_the_words_are_read_again_when_the_catalogue_changes(app):
    make_product(title="Áo hoodie nỉ")
    assert spelling.correct("capybra") is None
    make_product(title="Capybara plush")
    assert spelling.correct("capybra") == "capybara"


def test_recent_searches_newest_first_distinct_eight_at_most():
    kept = []
    for q in ["áo", "tai nghe", "ao", "  Tai   nghe ", *[f"q{n}" for n in range(10)]]:
        kept = recent_searches.remember(kept, q)
    assert kept == [f"q{n}" for n in range(9, 1, -1)]
    assert recent_searches.remember(["tai nghe", "áo"], "Áo") == ["Áo", "tai nghe"]
    assert recent_searches.parse(recent_searches.encode(["cà phê", "x" * 200])) == ["cà phê", "x" * 80]


@pytest.mark.parametrize("raw", [None, "", "%%%", "bm90IGpzb24", base64.urlsafe_b64encode(b'{"a": 1}').decode(),
                                 base64.urlsafe_b64encode(b'[1, ["x"], "ok\\u0000"]').decode(), "A" * 5000])
def test_a_cookie_holding_anything_else_is_read_as_little_as_possible(raw):
    assert recent_searches.parse(raw) in ([], ["ok"])


def test_few_titles_counts_the_rarest_word_of_a_plain_query():
    assert VOCABULARY.few_titles("Áo denim", 48) and VOCABULARY.few_titles("hodie", 48)
    assert not VOCABULARY.few_titles("ao thun", 48)
    assert not VOCABULARY.few_titles("ao -zq12", 48) and not VOCABULARY.few_titles('"ao denim"', 48)
    assert not VOCABULARY.few_titles("denim or ao", 48)
    assert not VOCABULARY.few_titles("!! c", 48)  # nothing the words can tell


def test_few_title_matches_skips_the_walk_and_lists_the_same_cards():
    from marketplace.services.catalog.listing_queries import ListingQuery, list_products, listing_statement

    for n in range(5):
        make_product(title=f"Capybara plush {n}", description="Soft.")
    make_product(title="Soft toy", description="A capybara plush, soft.")
    plain, shortcut = ListingQuery(text="capybara plush"), ListingQuery(text="capybara plush", few_title_matches=True)
    assert "title_matches" in str(listing_statement(plain)) and "title_matches" not in str(listing_statement(shortcut))
    assert list_products(plain).items == list_products(shortcut).items
