"""Pictures chosen on a product form that isn't saved yet (services/catalog/pending_images.py)."""
from datetime import timedelta

import pytest
from sqlalchemy import select

from marketplace.extensions import db
from marketplace.models import PendingImage
from marketplace.models.base import utcnow
from marketplace.services.catalog import pending_images
from marketplace.services.core.errors import ValidationFailed
from tests.factories import make_product, make_shop
from tests.seller_support import image_bytes, stored_files


def test_a_kept_picture_is_its_shops_alone(db_session, storage):
    mine, theirs = make_shop(), make_shop()
    picture = pending_images.keep_upload(mine, image_bytes())
    assert len(stored_files(storage.root)) == 3  # the picture, its thumbnail and its share picture
    assert pending_images.owned(mine, [str(picture.id)]) == [picture]
    for ids in ([str(picture.id)], ["not-an-id"]):
        with pytest.raises(ValidationFailed, match="no longer here"):
            pending_images.owned(theirs, ids)


def test_attaching_makes_product_images_of_the_same_files(db_session, storage):
    shop = make_shop()
    product = make_product(shop=shop)
    first, second = (pending_images.keep_upload(shop, image_bytes(color=c)) for c in ((1, 2, 3), (4, 5, 6)))
    keys = [first.storage_key, second.storage_key]
    images = pending_images.attach(shop, product, pending_images.owned(shop, [first.id, second.id]))
    assert [i.storage_key for i in images] == keys and [i.position for i in images] == [0, 1]
    assert db.session.scalars(select(PendingImage)).all() == []


def test_no_more_than_a_product_holds_and_refused_before_decoding(db_session):
    with pytest.raises(ValidationFailed, match="at most 10 images. There is room for 2 more"):
        pending_images.check_room(8, 3)


def test_pictures_nobody_saved_are_swept_with_their_files(db_session, storage, app):
    shop = make_shop()
    old, fresh = pending_images.keep_upload(shop, image_bytes()), pending_images.keep_upload(shop, image_bytes())
    old.created_at = utcnow() - pending_images.KEEP_FOR - timedelta(minutes=1)
    db.session.flush()
    assert pending_images.sweep() == 1
    assert db.session.scalars(select(PendingImage)).all() == [fresh]
    db.session.commit()  # the files go after the commit
    assert stored_files(storage.root) == sorted([fresh.storage_key, fresh.thumb_key, fresh.share_key])
