"""The pages people use, rendered in Vietnamese, show none of the English the catalog translates:
what a template or the code marks is translated, and nothing reaches the page around gettext
(a message built before the language was known, a cache of another language's HTML).

The static checks (tests/project/test_i18n.py) find unmarked text; this one renders the pages."""
import re
from datetime import timedelta
from html.parser import HTMLParser

import pytest

from marketplace import i18n
from marketplace.extensions import db
from marketplace.models import CheckoutPayment, OrderStatus, Role
from marketplace.models.base import utcnow
from marketplace.services.returns import returns
from tests.factories import login, make_address, make_category, make_order, make_product, make_shop, make_user

VIETNAMESE = {"Accept-Language": "vi"}


class _VisibleText(HTMLParser):
    HIDDEN = {"script", "style", "svg", "template"}
    READ = {"aria-label", "title", "alt", "placeholder"}

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.parts, self.hidden = [], 0

    def handle_starttag(self, tag, attrs):
        if tag in self.HIDDEN:
            self.hidden += 1
        self.parts.extend(value for name, value in attrs if name in self.READ and value)

    def handle_endtag(self, tag):
        if tag in self.HIDDEN and self.hidden:
            self.hidden -= 1

    def handle_data(self, data):
        if not self.hidden:
            self.parts.append(data)


def visible_text(html: str) -> str:
    reader = _VisibleText()
    reader.feed(html)
    return " ".join(" ".join(reader.parts).split())


def _english_phrases() -> list[str]:
    """The English of each translated message that is long enough to be unmistakable: its literal
    parts of three words or more (placeholders cut it), where the Vietnamese differs."""
    phrases = set()
    for message in i18n.read("vi"):
        if not message.id or not message.string:
            continue
        source = i18n._key(message.id)
        for piece in re.split(r"%\(\w+\)[sd]|%%|<[^>]+>", source):
            piece = " ".join(piece.split()).strip(" .,:;·")
            if len(piece.split()) >= 3:
                phrases.add(piece)
    return sorted(phrases, key=len, reverse=True)


@pytest.fixture
def world():
    category = make_category(name="Áo thun", slug="ao-thun")
    seller = make_user(role=Role.SELLER, full_name="Trần Bình", locale="vi")
    shop = make_shop(owner=seller, name="Tiệm của Bình")
    products = [make_product(shop=shop, category=category, title=f"Áo thun {n}",
                             variants=[{"price": 150_00, "stock": 9, "name": "Đen / M"}]) for n in range(3)]
    buyer = make_user(full_name="Lê Mai", locale="vi")
    make_address(buyer, is_default=True)
    order = make_order(buyer=buyer, product=products[1], status=OrderStatus.SHIPPING)
    unpaid = make_order(buyer=buyer, product=products[2], status=OrderStatus.AWAITING_PAYMENT)
    db.session.add(CheckoutPayment(buyer_id=buyer.id, checkout_id=unpaid.checkout_id, provider="sandbox",
                                   status="PENDING", amount=unpaid.total, currency=unpaid.currency,
                                   hold_until=utcnow() + timedelta(minutes=15), attempt=1, provider_reference="sbx_vi"))
    admin = make_user(role=Role.ADMIN, full_name="Ada Admin", locale="vi")
    delivered = make_order(buyer=buyer, product=products[2], quantity=2, status=OrderStatus.DELIVERED,
                           delivered_at=utcnow())
    request = returns.request_return(buyer, delivered.id, {delivered.items[0].id: 1}, "DAMAGED", "Vỡ")
    db.session.flush()
    return {"buyer": buyer, "seller": seller, "admin": admin, "shop": shop, "product": products[0], "order": order,
            "unpaid": unpaid, "delivered": delivered, "return": request}


def _pages(world) -> dict:
    product, order, shop = world["product"], world["order"], world["shop"]
    delivered, returned = world["delivered"], world["return"]
    return {
        None: ["/", "/c/ao-thun", "/search?q=ao+thun", "/search?q=zzzzqqq", f"/p/{product.id}", f"/s/{shop.slug}",
               "/cart", "/account/login", "/account/register", "/account/forgot-password", "/no-such-page"],
        "buyer": ["/cart", "/checkout", "/orders", f"/orders/{order.id}", "/account/profile", "/account/addresses",
                  "/account/addresses/new", "/account/devices", "/notifications", "/account/reviews", "/saved",
                  "/following", f"/orders/{world['unpaid'].id}", f"/checkout/done/{world['unpaid'].checkout_id}",
                  f"/orders/{delivered.id}", f"/orders/{delivered.id}/return", "/returns", f"/returns/{returned.id}"],
        "seller": ["/seller/", "/seller/products", "/seller/products/new", "/seller/orders", "/seller/vouchers",
                   "/seller/vouchers/new", "/seller/reviews", "/seller/shop", "/seller/balance",
                   "/seller/balance/payout", "/seller/statements", "/seller/statements/2026-01", "/seller/returns",
                   f"/seller/returns/{returned.id}"],
        "admin": ["/admin/", "/admin/shops", "/admin/users", "/admin/products", "/admin/reviews", "/admin/categories",
                  "/admin/audit", "/admin/jobs", "/admin/payouts", "/admin/commission", "/admin/ledger",
                  "/admin/returns", f"/admin/returns/{returned.id}", "/admin/refunds",
                  f"/admin/returns/{returned.id}/decide?decision=accept"],
    }


def test_pages_in_vietnamese_show_no_english_the_catalog_translates(app, client, world):
    phrases = _english_phrases()
    assert len(phrases) > 300, "the catalog should hold the interface's sentences"
    leaks = {}
    for who, paths in _pages(world).items():
        login(client, world[who] if who else None)
        for path in paths:
            response = client.get(path, headers=VIETNAMESE)
            if response.status_code in (301, 302, 303):
                continue
            text = visible_text(response.get_data(as_text=True))
            found = [phrase for phrase in phrases if phrase in text]
            if found:
                leaks[f"{who or 'visitor'} {path}"] = found[:5]
    assert leaks == {}
