"""A seller saving the product edit form while buyers check out, on real connections.

The form was loaded before the rush (it says which stock it showed); the save and the
checkouts are released together by a barrier. Whatever the interleaving, the units sold stay
sold: the stock ends at what was there, minus what sold, plus the seller's own change if
their save went through, and never below zero.
"""
import threading

import pytest
from sqlalchemy import func, select

from marketplace.extensions import db
from marketplace.models import CartItem, OrderItem, Product, ProductVariant, Shop, User
from marketplace.services.catalog import products
from marketplace.services.core.errors import DomainError
from marketplace.services.ordering.checkout import OutOfStock, place_orders
from tests.factories import make_address, make_product, make_shop, make_user

pytestmark = pytest.mark.concurrency

STOCK = 20


def _setup(app, buyers: int) -> tuple:
    with app.app_context():
        shop = make_shop()
        product = make_product(shop=shop, title="Nón lá", variants=[
            {"sku": "N-1", "options": {"Size": "S"}, "name": "S", "price": 1000, "stock": STOCK}])
        variant = product.variants[0]
        people = []
        for _ in range(buyers):
            buyer = make_user()
            address = make_address(buyer, is_default=True)
            db.session.add(CartItem(user_id=buyer.id, variant_id=variant.id, quantity=1))
            people.append((buyer.id, address.id))
        ids = shop.id, product.id, product.category_id, variant.id
        db.session.commit()
        db.session.remove()
    return ids, people


def _race(app, calls: list) -> list:
    """Run every call (a function of nothing) in its own thread, app context and session."""
    barrier = threading.Barrier(len(calls), timeout=60)
    results: list = [None] * len(calls)

    def worker(index, call):
        with app.app_context():
            try:
                prepare, act = call
                state = prepare()
                db.session.commit()  # give the connection back: nobody holds one at the barrier
                barrier.wait()
                results[index] = act(state)
                db.session.commit()
            except DomainError as refused:
                db.session.rollback()
                results[index] = refused
            except Exception as error:  # kept for the assertions: a crash (a deadlock) must fail the test
                db.session.rollback()
                results[index] = error
            finally:
                db.session.remove()

    threads = [threading.Thread(target=worker, args=(i, call)) for i, call in enumerate(calls)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=90)
    assert not any(t.is_alive() for t in threads), "a save or a checkout hung"
    return results


def _buyer(user_id, address_id, n):
    return (lambda: db.session.get(User, user_id),
            lambda user: place_orders(user, address_id, "COD", idempotency_key=f"race-{n}"))


def _seller(shop_id, product_id, category_id, variant_id, typed: int):
    """The seller's save of a form loaded when the stock was STOCK, with `typed` in the stock field."""
    def prepare():
        return db.session.get(Shop, shop_id)

    def act(shop):
        product = products.get_seller_product(shop, product_id)
        return products.save_product(shop, product, title="Nón lá Huế", description="", category_id=category_id,
                                     variants=[{"id": str(variant_id), "sku": "N-1", "options": "Size=S",
                                                "price": "10.00", "stock": str(typed), "stock_seen": str(STOCK)}])
    return prepare, act


def _scalar(app, stmt):
    with app.app_context():
        value = db.session.scalar(stmt)
        db.session.remove()
        return value


@pytest.mark.parametrize("typed, buyers", [
    (STOCK, 12),       # a title change: the stock field untouched
    (STOCK - 5, 18),   # 5 taken away while up to 18 sell: refused if fewer than 5 are left by then
    (STOCK + 5, 30),   # 5 added while more buyers come than there are ever units
])
def test_a_seller_save_racing_checkouts_keeps_every_sale(committed_app, typed, buyers):
    app = committed_app
    (shop_id, product_id, category_id, variant_id), people = _setup(app, buyers)
    results = _race(app, [_seller(shop_id, product_id, category_id, variant_id, typed)]
                    + [_buyer(user_id, address_id, n) for n, (user_id, address_id) in enumerate(people)])
    save, sales = results[0], results[1:]
    assert not [r for r in results if isinstance(r, Exception) and not isinstance(r, DomainError)], results
    sold = sum(not isinstance(r, DomainError) for r in sales)
    assert all(isinstance(r, OutOfStock) for r in sales if isinstance(r, DomainError)), sales
    saved = not isinstance(save, DomainError)
    if not saved:  # only a decrease can be refused, and only when too few were left for it
        assert isinstance(save, products.StockChanged) and typed < STOCK and STOCK - sold < STOCK - typed, save
    stock = _scalar(app, select(ProductVariant.stock).where(ProductVariant.id == variant_id))
    assert stock == STOCK - sold + (typed - STOCK if saved else 0) >= 0
    assert _scalar(app, select(func.coalesce(func.sum(OrderItem.quantity), 0))) == sold
    title = _scalar(app, select(Product.title).where(Product.id == product_id))
    assert title == ("Nón lá Huế" if saved else "Nón lá")
    if typed == STOCK:
        assert saved and sold == 12 and stock == STOCK - 12
    if typed > STOCK:  # every unit there was sells (the 5 added too, unless they came after the last buyer)
        assert saved and sold >= STOCK
