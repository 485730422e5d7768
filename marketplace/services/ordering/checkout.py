"""Checkout: turn chosen cart lines into one order per shop, all or nothing.

Locking (everything happens in the request's ONE transaction, which its unit of work commits):

1. The idempotency key is claimed first with INSERT ... ON CONFLICT DO NOTHING on the
   unique (user_id, idempotency_key). A concurrent duplicate blocks on that unique
   index entry until the first transaction ends: if it committed, the duplicate gets
   no row back and returns the orders already placed; if it rolled back, the
   duplicate proceeds as the first. A retried request therefore never places twice.
2. Cart lines: the chosen lines are read FOR UPDATE (of cart_items only), so two checkouts with
   different keys (two tabs, two devices, a client that retries with a new key) that share a line
   run one after the other. The second reads after the first commits: its lines are gone, and
   CartChanged (409) says so instead of placing a second order from the same line. The lines are
   deleted again at the end, and fewer deleted than read is the same refusal (a guard: the lock
   should make it impossible).
3. Stock: one conditional UPDATE per line, `stock = stock - q WHERE stock >= q`,
   in ascending variant id order, so two checkouts sharing variants lock them in the
   same order and cannot deadlock. Zero rows means not enough stock: OutOfStock.
4. Vouchers: claimed after all variants, in ascending voucher id order, by a
   conditional UPDATE of used_count (see vouchers.claim); the row lock it holds
   serializes the per-user count.
5. The expected total, when the caller sends the one the buyer was shown: the total
   computed from the prices and vouchers read under those locks must be the same, or
   PricesChanged (409) says the new total.
"Buy now" (`buy_now=(variant_id, quantity)`) orders one variant without going through the cart:
step 2 has no cart line to lock and none is deleted, so the buyer's cart stays as it was; the
other steps are the same.
Any DomainError leaves the caller to roll back, which undoes every step above, the
idempotency claim included: a retry with the same key after a refusal is a new attempt.
Whoever cancels orders (restock + voucher return) must lock variants before vouchers; nothing
that locks variants may then wait for a cart line (the cart's own writes lock no variant).
"""
import secrets
import uuid
from dataclasses import dataclass
from datetime import datetime, timezone
from functools import lru_cache
from types import SimpleNamespace

from flask import current_app
from flask_babel import gettext as _
from flask_babel import ngettext
from sqlalchemy import DateTime, String, Uuid, bindparam, func, insert, select, text, update
from sqlalchemy.orm import make_transient_to_detached, selectinload
from sqlalchemy.orm.attributes import set_committed_value
from sqlalchemy.orm.util import identity_key

from marketplace import i18n, metrics
from marketplace.extensions import db
from marketplace.models import (
    Address, CartItem, CheckoutRequest, Order, OrderEvent, OrderItem, OrderStatus, PaymentMethod, Product, ProductImage,
    ProductVariant, Shop, User, VoucherUsage,
)
from marketplace.models.base import utcnow
from marketplace.money import format_money
from marketplace.services.accounts.notifications import notify_all
from marketplace.services.cart.cart import check_quantity, clear_lines
from marketplace.services.cart.own_shop import OWN_SHOP, is_own_shop, own_shop_message
from marketplace.services.catalog.visibility import is_purchasable
from marketplace.services.core import pricing
from marketplace.services.core.effects import after_commit
from marketplace.services.core.errors import Conflict, DomainError, Forbidden, NotFound, ValidationFailed
from marketplace.services.core.input_rules import MONEY_MAX
from marketplace.services.ledger import commission
from marketplace.services.ordering import vouchers as voucher_service

NUMBER_ALPHABET = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567"  # base32: no 0/1/8/9 to confuse with O/I/B/g


class CheckoutLineError(DomainError):
    """A chosen cart line cannot be bought; `line_id` is the cart line to highlight."""

    code = "unavailable"

    def __init__(self, message: str, *, line_id: uuid.UUID, code: str | None = None):
        super().__init__(message, code=code, fields={f"cart_items.{line_id}": message})
        self.line_id = line_id


class OutOfStock(CheckoutLineError, Conflict):
    status = 409
    code = "out_of_stock"


class CartChanged(Conflict):
    """A chosen line is not in the cart any more: most often another checkout (a second tab or
    device) has just ordered it, so placing again would sell the same line twice."""

    code = "cart_changed"

    def __init__(self):
        super().__init__(_("One of the chosen items is no longer in your cart: it was ordered from another tab or "
                           "device, or removed. Check your cart and orders before ordering again."),
                         field="cart_item_ids")


class PricesChanged(Conflict):
    """The total under the row locks is not the one the buyer was shown (a price, a voucher or the
    shipping fee changed since): they must see the new total before paying it."""

    code = "prices_changed"

    def __init__(self, total: int):
        super().__init__(_("Your total has changed since you last saw it: it is now %(total)s. "
                           "Check your order and place it again.", total=format_money(total)),
                         field="expected_total")
        self.total = total


@dataclass
class PlacedOrders:
    orders: list[Order]
    checkout_id: uuid.UUID
    replayed: bool  # True when the idempotency key had already placed these orders


@dataclass
class _Line:
    line_id: uuid.UUID  # the cart line, or the variant for a "Buy now" line
    quantity: int
    variant: ProductVariant
    product: Product
    shop: Shop
    image_key: str | None
    owner_locale: str | None  # the shop owner's language, for the notification of their new order

    @property
    def label(self) -> str:
        return f"{self.product.title} ({self.variant.name})" if self.variant.name else self.product.title


# Step 1 of the module doc, written out once: SQLAlchemy compiles the dialect's INSERT ... ON
# CONFLICT again on every call (it is never cached, ~2 ms here).
_CLAIM = text("""
INSERT INTO checkout_requests (user_id, idempotency_key, id, created_at)
VALUES (:user_id, :idempotency_key, :id, :created_at)
ON CONFLICT ON CONSTRAINT uq_checkout_requests_user_key DO NOTHING
RETURNING checkout_requests.id
""").bindparams(bindparam("user_id", type_=Uuid), bindparam("idempotency_key", type_=String),
                bindparam("id", type_=Uuid), bindparam("created_at", type_=DateTime(timezone=True))
                ).columns(id=Uuid)


def place_orders(user: User, address_id, payment_method, cart_item_ids=None, vouchers: dict | None = None,
                 idempotency_key: str | None = None, expected_total: int | None = None,
                 buy_now: tuple | None = None) -> PlacedOrders:
    """Place one order per shop from the chosen cart lines (all when None); see the module doc. A COD
    order is PENDING and its shop is told at once; an ONLINE one is AWAITING_PAYMENT, its stock taken
    all the same, and its shop hears of it once paid (services/payments starts the payment).

    expected_total: the grand total (every shop's subtotal - discount + shipping, minor units)
    the buyer was shown; None skips the check (older app versions send none).
    buy_now: (variant_id, quantity) to order that one variant instead of cart lines ("Buy now");
    the cart is left as it is. Not with cart_item_ids.
    """
    try:
        if buy_now is not None and cart_item_ids is not None:
            raise ValidationFailed(_("Buy now orders one product: choose no cart lines with it."),
                                   code="buy_now_with_cart_lines", field="cart_item_ids")
        placed = _place(user, address_id, payment_method, cart_item_ids, vouchers, idempotency_key, expected_total,
                        buy_now)
    except DomainError as error:
        metrics.checkout_failed(error.code)
        raise
    if not placed.replayed:
        after_commit(db.session, metrics.order_placed, len(placed.orders))
    return placed


def _place(user: User, address_id, payment_method, cart_item_ids, vouchers: dict | None,
           idempotency_key: str | None, expected_total: int | None, buy_now: tuple | None) -> PlacedOrders:
    if not user.is_verified:
        raise Forbidden(_("Verify your account before placing an order."), code="unverified")
    key = (idempotency_key or "").strip()
    if not key or len(key) > 100:
        raise ValidationFailed(_("A checkout needs an idempotency key of 1 to 100 characters."),
                               code="idempotency_key_required", field="idempotency_key")
    method = _payment_method(payment_method)
    checkout_id = db.session.execute(_CLAIM, {"user_id": user.id, "idempotency_key": key, "id": uuid.uuid4(),
                                              "created_at": datetime.now(timezone.utc)}).scalar_one_or_none()
    if checkout_id is None:
        return _replay(user, key)

    address = _own_address(user, address_id)
    lines = _load_lines(user, cart_item_ids) if buy_now is None else _buy_now_lines(user, *buy_now)
    by_shop: dict[uuid.UUID, list[_Line]] = {}
    for line in lines:
        by_shop.setdefault(line.shop.id, []).append(line)
    codes = _voucher_codes(vouchers, by_shop)

    subtotals = _subtotals(by_shop)
    # Read-only checks first, so a bad code fails before any row is locked.
    quotes = {shop_id: voucher_service.quote(shop_id, code, subtotals[shop_id], user)
              for shop_id, code in codes.items()}
    for line in sorted(lines, key=lambda l: l.variant.id):
        _take_stock(line)
    subtotals = _subtotals(by_shop)  # prices as read under the row locks: an edit in between can't slip in
    _check_amounts(by_shop, subtotals)
    discounts = {shop_id: voucher_service.claim(q.voucher, subtotals[shop_id], user)
                 for shop_id, q in sorted(quotes.items(), key=lambda kv: kv[1].voucher.id)}

    rates = commission.rates_for({(line.shop.id, line.product.category_id) for line in lines})

    numbers = _order_numbers(len(by_shop))
    rows = []
    for number, (shop_id, group) in zip(numbers, sorted(by_shop.items(), key=lambda kv: kv[0])):
        quote = quotes.get(shop_id)
        rows.append(_order_rows(user, checkout_id, number, method, address, group, subtotals[shop_id],
                                discounts.get(shop_id, 0), quote.voucher if quote else None, rates))
    _check_expected_total(expected_total, rows)
    orders = _insert_orders(rows)
    for order in orders:
        if order.voucher_id:
            db.session.add(VoucherUsage(voucher_id=order.voucher_id, user_id=user.id, order_id=order.id))
    if method is PaymentMethod.COD:
        _tell_the_sellers(user, orders, {line.shop.id: line.owner_locale for line in lines})
    if buy_now is None and clear_lines(user, [line.line_id for line in lines]) != len(lines):
        raise CartChanged()  # step 2's guard: never reached while the lines are read FOR UPDATE
    db.session.flush()
    return PlacedOrders(orders=orders, checkout_id=checkout_id, replayed=False)


def _tell_the_sellers(user: User, orders: list[Order], languages: dict[uuid.UUID, str | None]) -> None:
    """A notification to each shop's owner, in their language (`languages`: by shop, read with the
    lines): one INSERT, however many shops the cart spans."""
    messages = []
    for order in orders:
        with i18n.in_language_of(SimpleNamespace(locale=languages.get(order.shop_id))):
            messages.append((order.shop.owner_id, "order.placed", _("New order %(number)s", number=order.number),
                             ngettext("%(name)s ordered %(num)d item.", "%(name)s ordered %(num)d items.",
                                      sum(i.quantity for i in order.items), name=user.full_name),
                             f"/seller/orders/{order.id}"))
    notify_all(messages)


def _check_amounts(by_shop: dict[uuid.UUID, list[_Line]], subtotals: dict[uuid.UUID, int]) -> None:
    """Every line and every order must fit the INTEGER columns that keep them (a price may reach
    MONEY_MAX and a line 999 units): refuse what is too large to be one order instead of failing
    in the database."""
    for shop_id, group in by_shop.items():
        for line in group:
            if not pricing.fits_a_line(line.variant.price, line.quantity):
                raise CheckoutLineError(_("%(item)s: one line can't be over %(amount)s. Lower the quantity.",
                                          item=line.label, amount=format_money(MONEY_MAX)),
                                        line_id=line.line_id, code="order_too_large")
        if not pricing.fits_an_order(subtotals[shop_id], pricing.shipping_fee()):
            raise ValidationFailed(_("One order can't be over %(amount)s: buy fewer of %(shop)s's items at once.",
                                     amount=format_money(MONEY_MAX), shop=group[0].shop.name),
                                   code="order_too_large", field="cart_item_ids")


def _check_expected_total(expected_total: int | None, rows) -> None:
    """Refuse to charge a total other than the one the buyer saw (step 4 of the module doc):
    the orders' totals are computed from what was read under the locks."""
    if expected_total is None:
        return
    total = sum(order["total"] for order, *__ in rows)
    if total != expected_total:
        raise PricesChanged(total)


def orders_of_checkout(user: User, checkout_id: uuid.UUID) -> list[Order]:
    """The orders one checkout of this user placed (empty for someone else's checkout)."""
    return list(db.session.scalars(
        select(Order)
        .where(Order.checkout_id == checkout_id, Order.buyer_id == user.id)
        .options(selectinload(Order.items), selectinload(Order.shop), selectinload(Order.events))
        .order_by(Order.number)
    ))


def _subtotals(by_shop: dict[uuid.UUID, list[_Line]]) -> dict[uuid.UUID, int]:
    return {shop_id: sum(pricing.line_total(line.variant.price, line.quantity) for line in group)
            for shop_id, group in by_shop.items()}


def _replay(user: User, key: str) -> PlacedOrders:
    checkout_id = db.session.scalar(
        select(CheckoutRequest.id).where(CheckoutRequest.user_id == user.id, CheckoutRequest.idempotency_key == key)
    )
    return PlacedOrders(orders=orders_of_checkout(user, checkout_id), checkout_id=checkout_id, replayed=True)


def _payment_method(value) -> PaymentMethod:
    try:
        return value if isinstance(value, PaymentMethod) else PaymentMethod(str(value).upper())
    except ValueError:
        raise ValidationFailed(_("Choose cash on delivery (COD) or online payment (ONLINE)."), code="invalid_payment_method",
                               field="payment_method") from None


_ADDRESS_BY_ID = select(Address).where(Address.id == bindparam("address_id"))  # built once


def _get_address(address_id: uuid.UUID) -> Address | None:
    """session.get(Address, address_id) without building its SELECT on every checkout."""
    if identity_key(Address, address_id) in db.session.identity_map:  # e.g. just added by the checkout page
        return db.session.get(Address, address_id)
    return db.session.execute(_ADDRESS_BY_ID, {"address_id": address_id}).scalar_one_or_none()


def _own_address(user: User, address_id) -> Address:
    try:
        address = _get_address(uuid.UUID(str(address_id))) if address_id else None
    except ValueError:
        address = None
    if address is None or address.user_id != user.id:
        raise NotFound(_("Choose one of your shipping addresses."), code="address_not_found", field="address_id")
    return address


@lru_cache(maxsize=2)
def _lines_statement(chosen: bool):
    """Built once per shape: the user's cart lines (all, or the chosen ids) with their variant,
    product, shop, the picture copied into the order (the variant's own, else the product's
    first) and the shop owner's language (one statement). The lines are locked (step 2 of the
    module doc); the catalogue rows are not: stock is taken by conditional UPDATEs, prices are
    read again under those locks."""
    first_image = (
        select(ProductImage.storage_key).where(ProductImage.product_id == Product.id)
        .order_by(ProductImage.position, ProductImage.id).limit(1).correlate(Product).scalar_subquery()
    )
    stmt = (
        select(CartItem, ProductVariant, Product, Shop, func.coalesce(ProductImage.storage_key, first_image),
               User.locale)
        .join(ProductVariant, ProductVariant.id == CartItem.variant_id)
        .join(Product, Product.id == ProductVariant.product_id)
        .join(Shop, Shop.id == Product.shop_id)
        .join(User, User.id == Shop.owner_id)
        .outerjoin(ProductImage, ProductImage.id == ProductVariant.image_id)
        .where(CartItem.user_id == bindparam("user_id"))
        .with_for_update(of=CartItem)
    )
    return stmt.where(CartItem.id.in_(bindparam("line_ids", expanding=True))) if chosen else stmt


def _load_lines(user: User, cart_item_ids) -> list[_Line]:
    params = {"user_id": user.id}
    wanted = None
    if cart_item_ids is not None:
        try:
            wanted = {uuid.UUID(str(i)) for i in cart_item_ids}
        except ValueError:
            raise NotFound(_("One of the chosen items is not in your cart."), field="cart_item_ids") from None
        params["line_ids"] = list(wanted)
    lines = [_Line(item.id, item.quantity, *rest)
             for item, *rest in db.session.execute(_lines_statement(wanted is not None), params).all()]
    if wanted is not None and len(lines) != len(wanted):
        raise CartChanged()  # someone else's line reads the same: not in this cart
    if not lines:
        raise ValidationFailed(_("Choose at least one item to buy.") if wanted is not None
                               else _("Your cart is empty: there is nothing to order."),
                               code="empty_selection", field="cart_item_ids")
    _check_buyable(user, lines)
    return lines


@lru_cache(maxsize=1)
def _buy_now_statement():
    """A "Buy now" line: the variant with its product, shop, picture and owner's language, as
    _lines_statement reads them, without a cart line (none is locked: the stock UPDATE is the lock that matters)."""
    first_image = (
        select(ProductImage.storage_key).where(ProductImage.product_id == Product.id)
        .order_by(ProductImage.position, ProductImage.id).limit(1).correlate(Product).scalar_subquery()
    )
    return (
        select(ProductVariant, Product, Shop, func.coalesce(ProductImage.storage_key, first_image), User.locale)
        .join(Product, Product.id == ProductVariant.product_id)
        .join(Shop, Shop.id == Product.shop_id)
        .join(User, User.id == Shop.owner_id)
        .outerjoin(ProductImage, ProductImage.id == ProductVariant.image_id)
        .where(ProductVariant.id == bindparam("variant_id"))
    )


def _buy_now_lines(user: User, variant_id, quantity) -> list[_Line]:
    quantity = check_quantity(quantity)
    try:
        variant_id = uuid.UUID(str(variant_id))
    except ValueError:
        raise NotFound(_("That product does not exist."), field="variant_id") from None
    row = db.session.execute(_buy_now_statement(), {"variant_id": variant_id}).first()
    if row is None:
        raise NotFound(_("That product does not exist."), field="variant_id")
    lines = [_Line(variant_id, quantity, *row)]
    _check_buyable(user, lines, in_cart=False)
    return lines


def _check_buyable(user: User, lines: list[_Line], in_cart: bool = True) -> None:
    for line in lines:
        if is_own_shop(line.shop.owner_id, user.id):  # merged from a guest cart, or older than the rule
            message = own_shop_message(line.label)
            if in_cart:
                message = _("%(problem)s Remove it from your cart.", problem=message)
            raise CheckoutLineError(message, line_id=line.line_id, code=OWN_SHOP)
        if not is_purchasable(line.variant, line.product, line.shop):
            message = (_("%(item)s is no longer available: remove it from your cart.", item=line.label) if in_cart
                       else _("%(item)s is no longer available.", item=line.label))
            raise CheckoutLineError(message, line_id=line.line_id)


def _voucher_codes(vouchers: dict | None, by_shop: dict) -> dict[uuid.UUID, str]:
    codes = {}
    for raw_shop_id, code in (vouchers or {}).items():
        if not code or not str(code).strip():
            continue
        try:
            shop_id = uuid.UUID(str(raw_shop_id))
        except ValueError:
            shop_id = None
        if shop_id not in by_shop:
            raise ValidationFailed(_("A voucher was given for a shop you are not buying from."),
                                   code="voucher_shop_not_in_checkout", field="vouchers")
        codes[shop_id] = str(code).strip()
    return codes


def _take_stock(line: _Line) -> None:
    quantity = line.quantity
    left = db.session.execute(
        update(ProductVariant)
        .where(ProductVariant.id == line.variant.id, ProductVariant.stock >= quantity,
               ProductVariant.deleted_at.is_(None))
        .values(stock=ProductVariant.stock - quantity)
        .returning(ProductVariant.stock, ProductVariant.price),
        execution_options={"synchronize_session": False},
    ).one_or_none()
    if left is None:
        now = db.session.scalar(select(ProductVariant.stock).where(ProductVariant.id == line.variant.id)) or 0
        if now == 0:
            message = _("%(item)s is sold out: remove it from your cart.", item=line.label)
        else:
            message = _("Only %(left)s of %(item)s left (you asked for %(quantity)s): lower the quantity.",
                        left=now, item=line.label, quantity=quantity)
        raise OutOfStock(message, line_id=line.line_id)
    set_committed_value(line.variant, "stock", left.stock)
    set_committed_value(line.variant, "price", left.price)


_NUMBERS_TAKEN = select(Order.number).where(Order.number.in_(bindparam("numbers", expanding=True)))  # built once


def _order_numbers(count: int) -> list[str]:
    """Human-readable numbers like MP250301K7QZ2M; collisions are re-drawn (1 in 10^9 a day)."""
    day = datetime.now(timezone.utc).strftime("%y%m%d")
    numbers: list[str] = []
    while len(numbers) < count:
        drawn = {f"MP{day}{''.join(secrets.choice(NUMBER_ALPHABET) for __ in range(6))}"
                 for __ in range(count - len(numbers))}
        taken = set(db.session.scalars(_NUMBERS_TAKEN, {"numbers": list(drawn)}))
        numbers.extend(sorted(drawn - taken - set(numbers)))
    return numbers


def _order_rows(user, checkout_id, number, method, address, group: list[_Line], subtotal: int,
                discount: int, voucher, rates: dict) -> tuple[dict, list[dict], dict, Shop]:
    """One shop's order as rows: the order, its lines (copied from the catalog, with their share of
    the voucher and the commission frozen at today's rate), its first event."""
    shipping_fee = pricing.shipping_fee()
    order_id, now = uuid.uuid4(), utcnow()
    status = OrderStatus.AWAITING_PAYMENT if method is PaymentMethod.ONLINE else OrderStatus.PENDING
    order = dict(
        id=order_id, number=number, checkout_id=checkout_id, buyer_id=user.id, shop_id=group[0].shop.id,
        status=status, payment_method=method, currency=current_app.config["CURRENCY"],
        subtotal=subtotal, shipping_fee=shipping_fee, discount=discount,
        total=pricing.order_total(subtotal, discount, shipping_fee),
        voucher_id=voucher.id if voucher else None, voucher_code=voucher.code if voucher else None,
        ship_recipient_name=address.recipient_name, ship_phone=address.phone, ship_line1=address.line1,
        ship_line2=address.line2, ship_ward=address.ward, ship_district=address.district,
        ship_city=address.city, ship_postal_code=address.postal_code,
        tracking_number=None, cancel_reason=None, delivered_at=None, completed_at=None, created_at=now,
        shipping_refunded=0, settled_at=None,
    )
    totals = [pricing.line_total(line.variant.price, line.quantity) for line in group]
    shares = pricing.share_out(discount, totals)
    items = []
    for line, total, share in zip(group, totals, shares):
        rate = rates[(line.shop.id, line.product.category_id)]
        items.append(dict(
            id=uuid.uuid4(), order_id=order_id, product_id=line.product.id, variant_id=line.variant.id,
            product_title=line.product.title, variant_name=line.variant.name or "", sku=line.variant.sku,
            image_key=line.image_key, unit_price=line.variant.price, quantity=line.quantity, line_total=total,
            discount_share=share, commission_rate_bp=rate, commission=commission.commission_of(total - share, rate),
            commission_refunded=0, refunded_amount=0, refunded_quantity=0, return_quantity=0, settled_at=None,
        ))
    event = dict(id=uuid.uuid4(), order_id=order_id, actor_id=user.id, from_status=None,
                 to_status=status, note=None, created_at=now)
    return order, items, event, group[0].shop


_INSERT_ORDERS = insert(Order.__table__)
_INSERT_EVENTS = insert(OrderEvent.__table__)
_INSERT_ITEMS = insert(OrderItem.__table__)


def _insert_orders(rows: list[tuple[dict, list[dict], dict, Shop]]) -> list[Order]:
    """INSERT the orders, their first events, then their lines: three plain statements however many
    shops (the ORM's flush of the same rows costs several times more CPU). The Order objects are
    then put in the session as if loaded from these rows, with their shop, lines and events."""
    db.session.execute(_INSERT_ORDERS, [order for order, *__ in rows])
    db.session.execute(_INSERT_EVENTS, [event for __, __, event, __ in rows])
    db.session.execute(_INSERT_ITEMS, [item for __, items, *__ in rows for item in items])
    orders = []
    for values, items, event, shop in rows:
        order = _as_loaded(Order(**values))  # updated_at (the database's default) loads if asked for
        set_committed_value(order, "shop", shop)
        set_committed_value(order, "items", [_as_loaded(OrderItem(**item)) for item in items])
        set_committed_value(order, "events", [_as_loaded(OrderEvent(**event))])
        db.session.add(order)  # persistent, with its lines and event: nothing left to flush
        orders.append(order)
    return orders


def _as_loaded(instance):
    make_transient_to_detached(instance)
    return instance
