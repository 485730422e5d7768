"""A shop's public page: its header (logo, banner, rating, count, joined, vouchers), its categories, its empty state."""
import re
from datetime import datetime, timedelta, timezone
from zoneinfo import ZoneInfo

from babel.dates import format_date

from marketplace.extensions import db
from marketplace.models import ProductStatus
from marketplace.services.core import rollups
from tests.catalog_support import htmx, make_tree, product_at
from tests.factories import make_product, make_shop, make_voucher


def html_of(response) -> str:
    assert response.status_code == 200, response.status_code
    return response.get_data(as_text=True)


def header_of(html: str) -> str:
    return html[html.index('class="shop-header'):html.index("</header>", html.index('class="shop-header'))]


def card_titles(html: str) -> list[str]:
    return re.findall(r'class="product-card-title"><a href="[^"]*">([^<]+)</a>', html)


def rated(product, ratings: list[int]):
    product.rating_sum, product.review_count = sum(ratings), len(ratings)
    return product


def test_header_shows_logo_banner_rating_count_and_joined(client):
    shop = make_shop(name="Tiệm Mây", logo_key="logos/may.webp", banner_key="banners/may.webp",
                     created_at=datetime(2025, 3, 14, tzinfo=timezone.utc))
    rated(make_product(shop=shop), [5, 4])
    rated(make_product(shop=shop), [5])
    rated(make_product(shop=shop, status=ProductStatus.HIDDEN), [1, 1, 1])  # not on sale: not counted
    db.session.flush()
    header = header_of(html_of(client.get(f"/s/{shop.slug}")))
    assert "<h1" in header and "Tiệm Mây" in header
    assert 'src="/media/logos/may.webp"' in header and 'alt="Tiệm Mây logo"' in header
    assert 'src="/media/banners/may.webp"' in header
    assert 'aria-label="Rated 4.7 out of 5"' in header and "(3 reviews)" in header
    assert "2 products" in header and "Joined <time datetime=\"2025-03\">March 2025</time>" in header


def test_a_shop_without_banner_reviews_or_vouchers_says_so_plainly(client):
    shop = make_shop(name="Quiet")
    make_product(shop=shop)
    header = header_of(html_of(client.get(f"/s/{shop.slug}")))
    assert "shop-banner-plain" in header and "<img" in header  # the placeholder logo, no banner picture
    assert "No reviews yet" in header and "1 product<" in header and "Vouchers" not in header


def test_vouchers_on_offer_are_shown_with_code_gift_minimum_and_end(client):
    shop = make_shop()
    make_product(shop=shop)
    now = datetime.now(timezone.utc)
    make_voucher(shop, code="GIAM10", value=10, max_discount=500, min_spend=2000, ends_at=now + timedelta(days=9))
    make_voucher(shop, code="BOT3", kind="FIXED", value=300, min_spend=0)
    make_voucher(shop, code="HETHAN", starts_at=now - timedelta(days=9), ends_at=now - timedelta(days=1))
    make_voucher(shop, code="TAT", is_active=False)
    make_voucher(shop, code="SAPTOI", starts_at=now + timedelta(days=1))
    make_voucher(shop, code="HETLUOT", usage_limit=5, used_count=5)
    make_voucher(make_shop(), code="SHOPKHAC")
    header = header_of(html_of(client.get(f"/s/{shop.slug}")))
    assert "10% off, up to $5.00" in header and "Min. spend $20.00" in header and "GIAM10</code>" in header
    ends = (now + timedelta(days=9)).astimezone(ZoneInfo("Asia/Ho_Chi_Minh")).date()  # the viewer's day
    assert format_date(ends, "medium", locale="en") in header  # "Dec 16, 2026"
    assert "$3.00 off" in header and "No minimum spend" in header
    assert 'data-copy-code="GIAM10"' in header and 'aria-label="Copy code GIAM10"' in header
    for hidden in ("HETHAN", "TAT", "SAPTOI", "HETLUOT", "SHOPKHAC"):
        assert hidden not in header


def test_a_voucher_that_ends_leaves_the_cached_page(client):
    shop = make_shop()
    make_product(shop=shop)
    voucher = make_voucher(shop, code="CUOITUAN")
    rollups.include_pending()  # (the test's rows are uncommitted: see test_sql_budgets.cold_and_warm)
    assert "CUOITUAN" in html_of(client.get(f"/s/{shop.slug}"))
    assert client.get(f"/s/{shop.slug}").headers["X-Cache"] == "HIT"
    voucher.ends_at = datetime.now(timezone.utc) - timedelta(seconds=1)  # no cache version moves: the clock does
    voucher.starts_at = voucher.ends_at - timedelta(days=1)
    db.session.flush()
    response = client.get(f"/s/{shop.slug}")
    assert response.headers["X-Cache"] == "MISS" and "CUOITUAN" not in html_of(response)


def test_categories_within_the_shop_filter_its_grid_and_keep_load_more(client):
    t = make_tree()
    shop = make_shop()
    for n in range(30):
        product_at(n, shop=shop, category=t["tees"], title=f"Áo {n:02d}")
    product_at(40, shop=shop, category=t["electronics"], title="Điện thoại")
    product_at(41, category=t["electronics"], title="Other shop's phone")
    html = html_of(client.get(f"/s/{shop.slug}"))
    chips = html[html.index(f'aria-label="Categories in {shop.name}"'):]
    chips = chips[:chips.index("</nav>")]
    assert ">Áo thun</a>" in chips and ">Điện tử</a>" in chips and ">Thời trang</a>" not in chips
    assert 'aria-current="page">All products' in chips

    html = html_of(client.get(f"/s/{shop.slug}?category=dien-tu"))
    assert card_titles(html) == ["Điện thoại"] and 'aria-current="page">Điện tử</a>' in html
    assert '<input type="hidden" name="category" value="dien-tu">' in html  # the filter form keeps it

    html = html_of(client.get(f"/s/{shop.slug}?category=ao-thun&sort=newest"))
    assert len(card_titles(html)) == 24 and "Điện thoại" not in card_titles(html)
    more = re.search(r'id="load-more">\s*<a [^>]*href="([^"]+)"', html).group(1).replace("&amp;", "&")
    assert "category=ao-thun" in more
    rest = html_of(client.get(more, headers=htmx("load-more")))
    assert len(card_titles(rest)) == 6 and all(title.startswith("Áo") for title in card_titles(rest))
    assert client.get(f"/s/{shop.slug}?category=no-such-category").status_code == 404


def test_a_shop_with_nothing_listed_says_so_and_offers_a_way_on(client):
    shop = make_shop(name="Brand new shop")
    make_product(shop=shop, status=ProductStatus.DRAFT)
    html = html_of(client.get(f"/s/{shop.slug}"))
    assert "This shop hasn&#39;t listed anything yet" in html or "This shop hasn't listed anything yet" in html
    assert 'href="/#best-sellers-heading"' in html and "0 products" in header_of(html)
    assert "No products match" not in html and 'id="filters"' not in html


def test_closed_shops_have_no_page(client):
    from marketplace.models import ShopStatus

    for status in (ShopStatus.PENDING, ShopStatus.SUSPENDED, ShopStatus.REJECTED):
        shop = make_shop(status=status)
        make_voucher(shop, code=f"X{status.value}")
        assert client.get(f"/s/{shop.slug}").status_code == 404
