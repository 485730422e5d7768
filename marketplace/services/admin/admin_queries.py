"""What the admin screens read: users, shops, products, reviews and the audit log, filtered and
keyset-paged (`services/core/paging.py`). Read-only: the changes are in admin_accounts, moderation,
shops and reviews. A damaged page link is a ValidationFailed (field "cursor")."""
import re
import uuid
from datetime import date, datetime, time, timedelta, timezone

from flask_babel import gettext as _
from sqlalchemy import Select, case, select
from sqlalchemy.orm import aliased, contains_eager, joinedload, selectinload

from marketplace.extensions import db
from marketplace.models import (
    AuditLog, Category, Order, Product, ProductStatus, Review, Role, Shop, ShopStatus, User, UserStatus,
)
from marketplace.services.core import paging
from marketplace.services.core.errors import NotFound
from marketplace.services.core.paging import Page
from marketplace.services.core.search_text import contains_text

PAGE_SIZE = 25
RECENT_ORDERS = 20


# --- users ---------------------------------------------------------------------------------------

def _user_matches(q: str):
    condition = contains_text(q, User.full_name, User.email, User.phone)
    # Phones are stored in E.164 (+84901...), admins type them as they see them (0901 234 567).
    digits = re.sub(r"\D", "", q).lstrip("0")  # the national 0 is not in the E.164 form
    if len(digits) >= 3 and re.fullmatch(r"[\d\s().+-]+", q):
        condition = condition | User.phone.like(f"%{digits}%")
    return condition


def list_users(q: str | None = None, role: Role | None = None, status: UserStatus | None = None,
               cursor: str | None = None, limit: int = PAGE_SIZE) -> Page[User]:
    """Users newest first, searched by name, email or phone (typed with or without the national 0)."""
    stmt = select(User)
    if q:
        stmt = stmt.where(_user_matches(q.strip()))
    if role is not None:
        stmt = stmt.where(User.role == role)
    if status is not None:
        stmt = stmt.where(User.status == status)
    return paging.newest_first_page(stmt, User.created_at, User.id, cursor, limit)


def get_user(user_id: uuid.UUID) -> User:
    user = db.session.get(User, user_id)
    if user is None:
        raise NotFound(_("No such user."))
    return user


def recent_orders_of(user: User, limit: int = RECENT_ORDERS) -> list[Order]:
    """The user's latest orders as a buyer, with their shops."""
    return list(db.session.scalars(
        select(Order).where(Order.buyer_id == user.id).options(selectinload(Order.shop))
        .order_by(Order.created_at.desc(), Order.id.desc()).limit(limit)
    ))


# --- shops ---------------------------------------------------------------------------------------

# The approval queue: PENDING shops first, then the rest; newest first within each group.
_SHOP_RANK = case((Shop.status == ShopStatus.PENDING, 0), else_=1)


def _shop_rank(shop: Shop) -> int:
    return 0 if shop.status == ShopStatus.PENDING else 1


def _shops_with_owners() -> Select:
    return select(Shop).join(Shop.owner).options(contains_eager(Shop.owner))


def list_shops(q: str | None = None, status: ShopStatus | None = None, cursor: str | None = None,
               limit: int = PAGE_SIZE) -> Page[Shop]:
    """Every shop with its owner, pending ones first, searched by name or address (slug)."""
    stmt = _shops_with_owners()
    if q:
        stmt = stmt.where(contains_text(q.strip(), Shop.name, Shop.slug))
    if status is not None:
        stmt = stmt.where(Shop.status == status)
    return paging.ranked_newest_first_page(stmt, _SHOP_RANK, _shop_rank, Shop.created_at, Shop.id, cursor, limit)


def get_shop(shop_id: uuid.UUID) -> Shop:
    """One shop with its owner (one statement)."""
    shop = db.session.scalar(_shops_with_owners().where(Shop.id == shop_id))
    if shop is None:
        raise NotFound(_("No such shop."))
    return shop


# --- products ------------------------------------------------------------------------------------

def category_choices() -> list[tuple[str, str]]:
    """Every category as (id, "Parent › Child") in tree order: one query, the tree is walked here."""
    categories = db.session.scalars(select(Category).order_by(Category.position, Category.name)).all()
    children: dict = {}
    for category in categories:
        children.setdefault(category.parent_id, []).append(category)
    choices: list[tuple[str, str]] = []

    def walk(parent_id, trail: str) -> None:
        for category in children.get(parent_id, []):
            label = f"{trail} › {category.name}" if trail else category.name
            choices.append((str(category.id), label))
            walk(category.id, label)

    walk(None, "")
    return choices


def list_products(q: str | None = None, shop: str | None = None, category_id: uuid.UUID | None = None,
                  status: ProductStatus | None = None, cursor: str | None = None,
                  limit: int = PAGE_SIZE) -> Page[Product]:
    """Every product of every shop, newest first, with its shop and category (one statement a page);
    `q` searches titles, `shop` a shop's name or address."""
    # Outer join: a deleted product whose category was deleted since has none.
    stmt = (select(Product).join(Product.shop).outerjoin(Product.category)
            .options(contains_eager(Product.shop), contains_eager(Product.category)))
    if q:
        stmt = stmt.where(contains_text(q.strip(), Product.title))
    if shop:
        stmt = stmt.where(contains_text(shop.strip(), Shop.name, Shop.slug))
    if category_id is not None:
        stmt = stmt.where(Product.category_id == category_id)
    if status is not None:
        stmt = stmt.where(Product.status == status)
    return paging.newest_first_page(stmt, Product.created_at, Product.id, cursor, limit)


def get_product(product_id: uuid.UUID) -> Product:
    """One product with its shop and category (one statement)."""
    product = db.session.scalar(
        select(Product).where(Product.id == product_id)
        .options(joinedload(Product.shop), joinedload(Product.category))
    )
    if product is None:
        raise NotFound(_("No such product."))
    return product


# --- reviews -------------------------------------------------------------------------------------

def _review_rows() -> Select:
    """(Review, product title, shop name) rows; the author comes in the same statement."""
    return (
        select(Review, Product.title, Shop.name)
        .join(Product, Product.id == Review.product_id)
        .join(Shop, Shop.id == Product.shop_id)
        .options(joinedload(Review.user))
    )


def list_reviews(q: str | None = None, hidden: bool | None = None, rating: int | None = None,
                 cursor: str | None = None, limit: int = PAGE_SIZE) -> Page:
    """Every review as (Review, product title, shop name), newest first; `q` searches the product's
    title and the review's text."""
    stmt = _review_rows()
    if q:
        stmt = stmt.where(contains_text(q.strip(), Product.title, Review.body))
    if hidden is not None:
        stmt = stmt.where(Review.is_hidden.is_(hidden))
    if rating is not None:
        stmt = stmt.where(Review.rating == rating)
    return paging.newest_first_page(stmt, Review.created_at, Review.id, cursor, limit, scalars=False)


def get_review(review_id: uuid.UUID) -> Review:
    review = db.session.get(Review, review_id)
    if review is None:
        raise NotFound(_("No such review."))
    return review


def review_row(review: Review):
    """One review as the listing shows it: (Review, product title, shop name)."""
    return db.session.execute(_review_rows().where(Review.id == review.id)).one()


# --- the audit log -------------------------------------------------------------------------------

def _distinct(column) -> list[str]:
    return list(db.session.scalars(select(column).distinct().order_by(column)))


def audit_actions() -> list[str]:
    """Every action the log holds, for the filter."""
    return _distinct(AuditLog.action)


def audit_target_types() -> list[str]:
    """Every kind of target the log holds, for the filter."""
    return _distinct(AuditLog.target_type)


def _start_of(day: date) -> datetime:
    return datetime.combine(day, time.min, tzinfo=timezone.utc)


def list_audit_entries(actor: str | None = None, action: str | None = None, target_type: str | None = None,
                       date_from: date | None = None, date_to: date | None = None, cursor: str | None = None,
                       limit: int = PAGE_SIZE) -> Page[AuditLog]:
    """Admin actions newest first with their actors; `actor` searches the actor's name, email or phone,
    and the `date_to` day is included whole (UTC days)."""
    who = aliased(User)
    stmt = select(AuditLog).outerjoin(who, AuditLog.actor).options(contains_eager(AuditLog.actor.of_type(who)))
    if actor:
        stmt = stmt.where(contains_text(actor.strip(), who.full_name, who.email, who.phone))
    if action:
        stmt = stmt.where(AuditLog.action == action)
    if target_type:
        stmt = stmt.where(AuditLog.target_type == target_type)
    if date_from:
        stmt = stmt.where(AuditLog.created_at >= _start_of(date_from))
    if date_to:
        stmt = stmt.where(AuditLog.created_at < _start_of(date_to + timedelta(days=1)))
    return paging.newest_first_page(stmt, AuditLog.created_at, AuditLog.id, cursor, limit)


# Ids that audit entries record in their data, and what they name (admin/audit_text.py shows the names).
_AUDIT_ID_KEYS = {"parent_id": Category, "old_parent_id": Category, "product_id": Product}


def _uuid(value) -> uuid.UUID | None:
    try:
        return uuid.UUID(value) if value else None
    except (TypeError, ValueError):
        return None


def audit_id_names(entries: list[AuditLog]) -> dict[str, str]:
    """{id: name} for the category and product ids the entries mention: one statement per kind
    mentioned, none when no entry mentions one. A deleted object is simply absent."""
    wanted = {model: {_uuid((entry.data or {}).get(key)) for entry in entries
                      for key, kind in _AUDIT_ID_KEYS.items() if kind is model} - {None}
              for model in set(_AUDIT_ID_KEYS.values())}
    names: dict[str, str] = {}
    for model, ids in wanted.items():
        if not ids:
            continue
        label = Category.name if model is Category else Product.title
        names.update((str(i), name) for i, name in db.session.execute(select(model.id, label).where(model.id.in_(ids))))
    return names
