"""Stored-XSS fixtures: every user-written text of one little marketplace carries two payloads."""
from dataclasses import dataclass
from html.parser import HTMLParser

from marketplace.extensions import db
from marketplace.models import CartItem, OrderStatus, Role
from marketplace.services.accounts.notifications import notify
from marketplace.services.reviews.reviews import create_review
from tests.factories import make_address, make_category, make_order, make_product, make_shop, make_user
from tests.security.support import XSS_ATTR, XSS_SCRIPT

BOTH = f"{XSS_SCRIPT} {XSS_ATTR}"
ESCAPED_SCRIPT = "&lt;script&gt;alert(1)&lt;/script&gt;"
ESCAPED_ATTR = "&#34;&gt;&lt;img src=x onerror=alert(1)&gt;"
RAW_IMG = "<img src=x onerror=alert(1)>"


DATA_BLOCKS = ("application/json", "application/ld+json")


@dataclass
class Stage:
    buyer: object
    seller: object
    admin: object
    shop: object
    category: object
    product: object
    order: object
    shipped: object
    review: object
    texts: dict  # what each text is, e.g. {"title": "Zebrakettle <script>..."}


def build_stage() -> Stage:
    """A shop, category, product, buyer, address, cart line, orders, review and reply, all with payloads."""
    texts = {
        "shop": f"Zebrashop {BOTH}", "shop_description": f"We sell {BOTH}",
        "category": f"Zebracat {BOTH}", "title": f"Zebrakettle {BOTH}", "description": f"Boils {BOTH}",
        "variant": f"Zebrared {BOTH}", "buyer": f"Zeb {BOTH}", "line1": f"1 Zebra St {BOTH}",
        "review": f"Zebrareview {BOTH}", "reply": f"Zebrareply {BOTH}", "tracking": f"ZT {XSS_SCRIPT}",
    }
    seller = make_user(role=Role.SELLER, full_name=f"Seller {BOTH}")
    shop = make_shop(owner=seller, name=texts["shop"], description=texts["shop_description"])
    category = make_category(name=texts["category"])
    product = make_product(shop=shop, category=category, title=texts["title"], description=texts["description"],
                           variants=[{"name": texts["variant"], "price": 1500, "stock": 30}])
    buyer = make_user(full_name=texts["buyer"], phone="+84907770001")
    make_address(buyer, is_default=True, line1=texts["line1"], recipient_name=texts["buyer"])
    db.session.add(CartItem(user_id=buyer.id, variant_id=product.variants[0].id, quantity=1))
    order = make_order(buyer, product, status=OrderStatus.DELIVERED, ship_line1=texts["line1"],
                       ship_recipient_name=texts["buyer"])
    review = create_review(buyer, order.items[0].id, 2, texts["review"])
    review.seller_reply = texts["reply"]
    shipped = make_order(buyer, product, status=OrderStatus.CONFIRMED)
    notify(buyer.id, "order.confirmed", f"{texts['shop']} confirmed", f"{texts['title']} is packed", "/orders")
    notify(seller.id, "review.new", f"New review of {texts['title']}", texts["review"], "/seller/reviews")
    db.session.flush()
    return Stage(buyer=buyer, seller=seller, admin=make_user(role=Role.ADMIN), shop=shop, category=category,
                 product=product, order=order, shipped=shipped, review=review, texts=texts)


class _Inspector(HTMLParser):
    """Finds what a payload would turn into if it escaped its text: a script, an event handler, <img src=x>."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.problems: list[str] = []

    def handle_starttag(self, tag, attrs):
        attributes = dict(attrs)
        # data blocks the browser never runs: JSON for scripts, JSON-LD for search engines (seo/structured_data.py
        # escapes "<" inside it, so a payload can't close the element: tests/integration/test_seo_structured_data.py)
        if tag == "script" and not attributes.get("src") and attributes.get("type") not in DATA_BLOCKS:
            self.problems.append(f"inline <script> {attrs}")
        for name, _ in attrs:
            if name.startswith("on"):
                self.problems.append(f"<{tag} {name}=...>")
        if tag == "img" and attributes.get("src") == "x":
            self.problems.append("<img src=x>")


def injection_problems(html: str) -> list[str]:
    problems = []
    for raw in (XSS_SCRIPT, RAW_IMG):
        if raw in html:
            problems.append(f"raw payload {raw!r} in the page")
    inspector = _Inspector()
    inspector.feed(html)
    inspector.close()
    return problems + inspector.problems


def shows_escaped(html: str) -> bool:
    return ESCAPED_SCRIPT in html and ESCAPED_ATTR in html
