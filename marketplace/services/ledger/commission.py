"""The platform's commission: COMMISSION_RATE_BP, overridden by an admin per shop (wins) or per category
(the nearest one up the product's category's ancestors). Frozen on each order line when it is placed
(order_items.commission_rate_bp and .commission): a later change of rate never moves an old order."""
import uuid

from flask import current_app
from flask_babel import gettext as _
from sqlalchemy import delete, text
from sqlalchemy.dialects.postgresql import insert

from marketplace.extensions import db
from marketplace.models import Category, CommissionRate, Shop, User
from marketplace.models.ledger import BASIS_POINTS
from marketplace.services.core import audit
from marketplace.services.core.errors import NotFound, ValidationFailed

Scope = tuple[uuid.UUID, uuid.UUID | None]  # (shop id, category id) of a line


def commission_of(paid: int, rate_bp: int) -> int:
    """The commission on `paid` minor units at `rate_bp` basis points, rounded half up."""
    return (paid * rate_bp + BASIS_POINTS // 2) // BASIS_POINTS


# The overrides that apply to some shops and categories, in one statement: each category's own and its
# ancestors' (depth 0 = itself), and the shops'.
_OVERRIDES = text("""
WITH RECURSIVE up(category_id, ancestor_id, depth) AS (
    SELECT id, id, 0 FROM categories WHERE id = ANY(CAST(:category_ids AS uuid[]))
    UNION ALL
    SELECT up.category_id, c.parent_id, up.depth + 1
    FROM up JOIN categories c ON c.id = up.ancestor_id
    WHERE c.parent_id IS NOT NULL
)
SELECT NULL::uuid AS shop_id, up.category_id, r.rate_bp, up.depth
FROM up JOIN commission_rates r ON r.category_id = up.ancestor_id
UNION ALL
SELECT r.shop_id, NULL, r.rate_bp, 0 FROM commission_rates r WHERE r.shop_id = ANY(CAST(:shop_ids AS uuid[]))
""")


def rates_for(scopes: set[Scope]) -> dict[Scope, int]:
    """The rate of each (shop, category), in basis points, read in one statement."""
    by_shop: dict[uuid.UUID, int] = {}
    by_category: dict[uuid.UUID, tuple[int, int]] = {}  # category -> (depth, rate) of its nearest override
    rows = db.session.execute(_OVERRIDES, {
        "shop_ids": sorted({str(shop_id) for shop_id, __ in scopes}),
        "category_ids": sorted({str(category_id) for __, category_id in scopes if category_id}),
    }) if scopes else []
    for shop_id, category_id, rate, depth in rows:
        if shop_id is not None:
            by_shop[shop_id] = rate
        elif category_id not in by_category or depth < by_category[category_id][0]:
            by_category[category_id] = (depth, rate)
    platform = current_app.config["COMMISSION_RATE_BP"]
    rates = {}
    for shop_id, category_id in scopes:
        rate = by_shop.get(shop_id)
        if rate is None and category_id in by_category:
            rate = by_category[category_id][1]
        rates[(shop_id, category_id)] = platform if rate is None else rate
    return rates


def parse_percent(text: str | None) -> int:
    """An admin's "5", "2.5" or "5%" in basis points; ValidationFailed for anything else."""
    cleaned = (text or "").strip().rstrip("%").strip().replace(",", ".")
    try:
        points = round(float(cleaned) * 100, 6)
    except ValueError:
        points = -1
    if not cleaned or points != int(points) or not 0 <= points <= BASIS_POINTS:
        raise ValidationFailed(_("Enter a percentage between 0 and 100, with at most two decimals."),
                               field="rate", code="invalid_rate")
    return int(points)


def set_rate(admin: User, *, rate_bp: int, shop_id: uuid.UUID | None = None,
             category_id: uuid.UUID | None = None) -> None:
    """Set (or change) the override of one shop or one category. New orders use it; placed ones keep theirs."""
    if (shop_id is None) == (category_id is None):
        raise ValidationFailed(_("Choose a shop or a category."), field="scope", code="invalid_scope")
    if shop_id is not None and db.session.get(Shop, shop_id) is None:
        raise NotFound(_("We couldn't find that shop."), field="shop_id")
    if category_id is not None and db.session.get(Category, category_id) is None:
        raise NotFound(_("We couldn't find that category."), field="category_id")
    target = "shop_id" if shop_id is not None else "category_id"
    db.session.execute(
        insert(CommissionRate).values(id=uuid.uuid4(), shop_id=shop_id, category_id=category_id, rate_bp=rate_bp,
                                      updated_by=admin.id)
        .on_conflict_do_update(index_elements=[target], set_={"rate_bp": rate_bp, "updated_by": admin.id}))
    audit.record(admin, "commission.set", target.removesuffix("_id"), shop_id or category_id, None, rate_bp=rate_bp)


def remove_rate(admin: User, rate_id: uuid.UUID) -> None:
    """Drop an override: that shop or category pays the rate above it again, from the next order."""
    removed = db.session.execute(delete(CommissionRate).where(CommissionRate.id == rate_id)
                                 .returning(CommissionRate.shop_id, CommissionRate.category_id)).one_or_none()
    if removed is None:
        raise NotFound(_("That commission rate no longer exists."))
    audit.record(admin, "commission.remove", "shop" if removed.shop_id else "category",
                 removed.shop_id or removed.category_id, None)
