from flask import Blueprint

bp = Blueprint("admin", __name__, url_prefix="/admin")

from marketplace.admin import audit, categories, dashboard, labels, products, reviews, users  # noqa: E402,F401
from marketplace.admin import jobs  # noqa: E402,F401  (dead letters: ops area)
from marketplace.admin import shops  # noqa: E402,F401  (approval queue: shops area)
from marketplace.admin import commission, ledger, payouts  # noqa: E402,F401  (money: issue 18)
from marketplace.admin import money  # noqa: E402,F401  (disputed returns, refunds to pay by hand)
