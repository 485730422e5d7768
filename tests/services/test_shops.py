"""Shop registration, profile edits and the moderated lifecycle (services/shops/shops.py)."""
import pytest
from sqlalchemy import select

from marketplace.extensions import db
from marketplace.models import AuditLog, Notification, Role, Shop, ShopStatus, UserStatus
from marketplace.services.core.errors import Conflict, Forbidden, NotFound, ValidationFailed
from marketplace.services.shops import shops
from tests.factories import make_shop, make_user
from tests.seller_support import image_bytes, stored_files, use_temp_storage


@pytest.fixture
def storage(app, tmp_path):
    storage, restore = use_temp_storage(app, tmp_path)
    yield storage
    restore()


def make_admin():
    return make_user(role=Role.ADMIN)


# --- registration ---------------------------------------------------------------------

def test_register_shop_makes_a_pending_shop_and_a_seller():
    user = make_user()
    shop = shops.register_shop(user, "  Cửa hàng Đà Lạt  ", "da-lat", "Hoa và  cà phê")
    assert shop.status == ShopStatus.PENDING
    assert shop.name == "Cửa hàng Đà Lạt"
    assert shop.slug == "da-lat"
    assert shop.owner_id == user.id
    assert user.role == Role.SELLER
    assert shop.approved_at is None


def test_register_shop_normalises_decomposed_vietnamese_to_nfc():
    shop = shops.register_shop(make_user(), "Ca\u0300 phe\u0302 Đà Lạt", "ca-phe-nfc")
    assert shop.name == "Cà phê Đà Lạt"


def test_blank_slug_is_suggested_from_the_name_with_diacritics_folded():
    shop = shops.register_shop(make_user(), "Áo khoác Đà Lạt", "")
    assert shop.slug == "ao-khoac-da-lat"
    second = shops.register_shop(make_user(), "Áo khoác Đà Lạt!", None)
    assert second.slug == "ao-khoac-da-lat-2"


def test_suggest_slug_pads_short_names_and_keeps_the_limit():
    assert shops.suggest_slug("Ô") == "o-shop"
    assert shops.suggest_slug("Lan’s Đà Lạt Shop") == "lans-da-lat-shop"
    assert len(shops.suggest_slug("x" * 200)) == 60


def test_unverified_user_cannot_register():
    user = make_user(is_verified=False)
    with pytest.raises(Forbidden) as info:
        shops.register_shop(user, "My shop", "my-shop")
    assert info.value.code == "not_verified"
    assert user.role == Role.BUYER
    assert db.session.scalar(select(Shop).where(Shop.owner_id == user.id)) is None


def test_admin_cannot_open_a_shop():
    with pytest.raises(Forbidden):
        shops.register_shop(make_admin(), "Admin shop", "admin-shop")


def test_one_shop_per_user():
    user = make_user()
    shops.register_shop(user, "First", "first-shop")
    with pytest.raises(Conflict) as info:
        shops.register_shop(user, "Second", "second-shop")
    assert info.value.code == "shop_exists"


def test_database_refuses_a_second_shop_even_past_the_check(monkeypatch):
    user = make_user()
    shops.register_shop(user, "First", "first-one")
    monkeypatch.setattr(shops, "shop_of", lambda _user: None)  # as if a concurrent request raced us
    with pytest.raises(Conflict) as info:
        shops.register_shop(user, "Second", "second-one")
    assert info.value.code == "shop_exists"


def test_slug_must_be_unique():
    shops.register_shop(make_user(), "One", "taken-slug")
    with pytest.raises(Conflict) as info:
        shops.register_shop(make_user(), "Two", "taken-slug")
    assert info.value.fields == {"slug": info.value.message}
    assert "taken-slug-2" in info.value.message


@pytest.mark.parametrize("slug", ["ab", "x" * 61, "with space", "-lead", "trail-", "dou--ble",
                                  "đà-lạt", "semi;colon"])
def test_bad_slugs_are_refused_with_the_rule(slug):
    with pytest.raises(ValidationFailed) as info:
        shops.register_shop(make_user(), "Fine name", slug)
    assert "slug" in info.value.fields
    assert "lowercase" in info.value.message


def test_typed_capitals_in_the_slug_are_lowered():
    assert shops.register_shop(make_user(), "Caps", " My-Shop ").slug == "my-shop"


@pytest.mark.parametrize("name", ["", " ", "x", "y" * 121])
def test_bad_names_are_refused(name):
    with pytest.raises(ValidationFailed) as info:
        shops.register_shop(make_user(), name, "good-slug")
    assert "name" in info.value.fields


def test_register_with_logo_stores_one_reencoded_file(storage):
    shop = shops.register_shop(make_user(), "Logo shop", "logo-shop", logo=image_bytes("JPEG"))
    assert shop.logo_key.startswith("logos/") and shop.logo_key.endswith(".webp")
    assert stored_files(storage.root) == [shop.logo_key]


def test_register_with_a_bad_logo_stores_nothing(storage):
    user = make_user()
    with pytest.raises(ValidationFailed) as info:
        shops.register_shop(user, "Logo shop", "logo-shop-2", logo=b"<html>hi</html>")
    assert "logo" in info.value.fields
    assert stored_files(storage.root) == []
    assert shops.shop_of(user) is None


def test_update_shop_replaces_logo_and_deletes_the_old_file_after_commit(storage):
    shop = make_shop()
    shops.update_shop(shop, logo=image_bytes())
    db.session.commit()
    first = shop.logo_key
    shops.update_shop(shop, name="Tên mới", description="Mô tả", logo=image_bytes("JPEG"))
    assert first in stored_files(storage.root)  # still there until the commit
    db.session.commit()
    assert shop.name == "Tên mới" and shop.description == "Mô tả"
    assert stored_files(storage.root) == [shop.logo_key]


def test_update_shop_rolled_back_keeps_old_logo_and_drops_new_file(storage):
    shop = make_shop()
    shops.update_shop(shop, logo=image_bytes())
    db.session.commit()
    first = shop.logo_key
    shops.update_shop(shop, logo=image_bytes("JPEG"))
    db.session.rollback()
    assert stored_files(storage.root) == [first]


# --- lifecycle ------------------------------------------------------------------------

ALLOWED = [
    ("approve", ShopStatus.PENDING, ShopStatus.ACTIVE, None),
    ("reject", ShopStatus.PENDING, ShopStatus.REJECTED, "Logo is a stock photo"),
    ("suspend", ShopStatus.ACTIVE, ShopStatus.SUSPENDED, "Counterfeit goods"),
    ("reinstate", ShopStatus.SUSPENDED, ShopStatus.ACTIVE, None),
]


@pytest.mark.parametrize("action, source, target, reason", ALLOWED)
def test_allowed_admin_moves_audit_and_notify(action, source, target, reason):
    admin = make_admin()
    shop = make_shop(status=source)
    shops.transition_shop(admin, shop, action, reason)
    assert shop.status == target
    assert shop.status_reason == reason
    entry = db.session.scalar(select(AuditLog).where(AuditLog.target_id == shop.id))
    assert (entry.action, entry.actor_id, entry.target_type, entry.reason) == (f"shop.{action}", admin.id, "shop", reason)
    assert entry.data["from_status"] == source.value and entry.data["to_status"] == target.value
    note = db.session.scalar(select(Notification).where(Notification.user_id == shop.owner_id))
    assert note.kind == shops.TRANSITIONS[action].notice
    assert note.link == "/seller/shop"
    assert shop.name in note.title
    if reason:
        assert reason in note.body


def test_approve_sets_approved_at_and_reinstate_keeps_it():
    admin = make_admin()
    shop = make_shop(status=ShopStatus.PENDING)
    shops.approve_shop(admin, shop)
    approved_at = shop.approved_at
    assert approved_at is not None
    shops.suspend_shop(admin, shop, "Late deliveries")
    shops.reinstate_shop(admin, shop)
    assert shop.approved_at == approved_at
    assert shop.status_reason is None


FORBIDDEN = [
    (action, status)
    for action, move in shops.TRANSITIONS.items()
    for status in ShopStatus
    if status != move.source
]


@pytest.mark.parametrize("action, status", FORBIDDEN)
def test_every_other_move_is_refused_with_a_reason_and_leaves_no_trace(action, status):
    admin = make_admin()
    shop = make_shop(status=status)
    actor = admin if shops.TRANSITIONS[action].by_admin else db.session.get(type(admin), shop.owner_id)
    with pytest.raises(shops.TransitionNotAllowed) as info:
        shops.transition_shop(actor, shop, action, "some reason")
    assert status.value.lower() in info.value.message
    assert info.value.code == "transition_not_allowed"
    assert shop.status == status
    assert db.session.scalar(select(AuditLog).where(AuditLog.target_id == shop.id)) is None
    assert db.session.scalar(select(Notification).where(Notification.user_id == shop.owner_id)) is None


@pytest.mark.parametrize("action", ["reject", "suspend"])
@pytest.mark.parametrize("reason", [None, "", "   "])
def test_reject_and_suspend_need_a_reason(action, reason):
    shop = make_shop(status=shops.TRANSITIONS[action].source)
    before = shop.status
    with pytest.raises(ValidationFailed) as info:
        shops.transition_shop(make_admin(), shop, action, reason)
    assert info.value.fields == {"reason": info.value.message}
    assert shop.status == before


def test_only_admins_moderate():
    shop = make_shop(status=ShopStatus.PENDING)
    owner = db.session.get(type(shop.owner), shop.owner_id)
    for user in (make_user(), owner, make_user(role=Role.SELLER)):
        with pytest.raises(Forbidden):
            shops.approve_shop(user, shop)
    assert shop.status == ShopStatus.PENDING


def test_owner_resubmits_a_rejected_shop_and_nobody_else_can():
    admin = make_admin()
    shop = make_shop(status=ShopStatus.PENDING)
    shops.reject_shop(admin, shop, "Add a description")
    with pytest.raises(NotFound):
        shops.resubmit_shop(make_user(), shop)
    with pytest.raises(NotFound):
        shops.resubmit_shop(admin, shop)
    shops.resubmit_shop(shop.owner, shop)
    assert shop.status == ShopStatus.PENDING
    assert shop.status_reason is None


def test_unknown_action_is_refused():
    with pytest.raises(ValidationFailed):
        shops.transition_shop(make_admin(), make_shop(status=ShopStatus.PENDING), "delete")


def test_allowed_actions_lists_the_buttons():
    assert shops.allowed_actions(make_shop(status=ShopStatus.PENDING)) == ["approve", "reject"]
    assert shops.allowed_actions(make_shop(status=ShopStatus.ACTIVE)) == ["suspend"]
    assert shops.allowed_actions(make_shop(status=ShopStatus.SUSPENDED)) == ["reinstate"]
    assert shops.allowed_actions(make_shop(status=ShopStatus.REJECTED)) == []
    assert shops.allowed_actions(make_shop(status=ShopStatus.REJECTED), by_admin=False) == ["resubmit"]


@pytest.mark.parametrize("action, status", [("approve", ShopStatus.PENDING), ("reinstate", ShopStatus.SUSPENDED)])
def test_a_suspended_owners_shop_never_opens(action, status):
    """Nobody could fulfil its orders: unsuspend the account first (the admin users screen)."""
    owner = make_user(role=Role.SELLER, status=UserStatus.SUSPENDED, status_reason="Fraud")
    shop = make_shop(owner=owner, status=status)
    with pytest.raises(Conflict) as info:
        shops.transition_shop(make_admin(), shop, action)
    assert info.value.code == "owner_suspended" and "unsuspend it" in info.value.message
    assert shop.status == status
    assert db.session.scalars(select(AuditLog).where(AuditLog.target_id == shop.id)).all() == []
    owner.status = UserStatus.ACTIVE
    shops.transition_shop(make_admin(), shop, action)
    assert shop.status == ShopStatus.ACTIVE
