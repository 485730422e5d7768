"""The demo marketplace loaded by `make run` on first start.

Accounts come from here, the catalog (shops, categories, products) from
`demo_catalog.py`, the order history and reviews from `demo_orders.py`. Everything goes through the models with the
same rules as real data, and is committed once at the end.
"""
from datetime import datetime, timezone

from flask import current_app
from sqlalchemy import func, select

from marketplace.extensions import db
from marketplace.models import Address, Role, User
from marketplace.seed import demo_catalog, demo_orders
from marketplace.services.accounts.passwords import hash_password
from marketplace.services.ledger import settlement

DEMO_PASSWORD = "demo-pass-123"
DEMO_LOGINS = {
    "password": DEMO_PASSWORD,
    "accounts": {
        "buyer": "buyer@demo.marketplace",
        "seller": "seller@demo.marketplace",
        "admin": "admin@demo.marketplace",
    },
}


def seed_demo(only_if_empty: bool = True) -> bool:
    """Create the demo data; returns False when there was already data and nothing was done."""
    if only_if_empty and db.session.scalar(select(func.count()).select_from(User)):
        return False
    accounts = DEMO_LOGINS["accounts"]
    if db.session.scalar(select(User.id).where(User.email == accounts["buyer"])) is not None:
        return False  # loaded before: loading twice would only collide with itself
    password_hash = hash_password(DEMO_PASSWORD)
    buyer = User(email=accounts["buyer"], phone="+84901000001", full_name="Nguyễn Văn An",
                 password_hash=password_hash, is_verified=True, role=Role.BUYER)
    seller = User(email=accounts["seller"], phone="+84901000002", full_name="Trần Thị Bình",
                  password_hash=password_hash, is_verified=True, role=Role.SELLER)
    admin = User(email=accounts["admin"], full_name="Admin", password_hash=password_hash,
                 is_verified=True, role=Role.ADMIN)
    db.session.add_all([buyer, seller, admin])
    db.session.flush()
    db.session.add(Address(
        user_id=buyer.id, recipient_name=buyer.full_name, phone=buyer.phone, line1="12 Lê Lợi",
        ward="Bến Nghé", district="Quận 1", city="Hồ Chí Minh", postal_code="700000", is_default=True,
    ))
    demo_catalog.seed_catalog(seller=seller, password_hash=password_hash)
    now = datetime.now(timezone.utc)
    demo_orders.seed_orders(buyer, seller, password_hash, now, current_app.config["SHIPPING_FEE"],
                            current_app.config["CURRENCY"])
    settlement.settle_due(now)  # orders delivered over SETTLEMENT_DAYS ago: their earnings are available
    db.session.commit()
    return True
