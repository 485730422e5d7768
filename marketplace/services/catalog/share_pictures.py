"""Link-preview pictures for product pictures stored before migration seo01 (`flask seo share-pictures`).

New pictures get theirs when they are stored (services/core/images.py store_image(share=True)); this
makes the missing ones, a batch at a time in id order, so it can run on a live site and be resumed.
"""
from __future__ import annotations

import logging
import uuid

from sqlalchemy import select

from marketplace.extensions import db
from marketplace.models import ProductImage
from marketplace.services.core import images

log = logging.getLogger(__name__)
BATCH = 100


def make_missing(after: uuid.UUID | None = None, limit: int = BATCH) -> tuple[int, uuid.UUID | None]:
    """Make the share picture of up to `limit` product pictures without one, after id `after`; flushes.
    Returns (how many were made, the last id seen: pass it back for the next batch; None when done).
    A picture whose file can't be read is logged and left without (its page shows the picture itself).

    Locking: the batch's rows are locked (FOR UPDATE SKIP LOCKED), so a seller deleting a picture
    meanwhile waits for the batch, and two runs never make the same picture twice."""
    query = select(ProductImage).where(ProductImage.share_key.is_(None)).order_by(ProductImage.id).limit(limit)
    if after is not None:
        query = query.where(ProductImage.id > after)
    rows = list(db.session.scalars(query.with_for_update(skip_locked=True)))
    made = 0
    for image in rows:
        try:
            image.share_key = images.store_share_picture(image.storage_key)
            made += 1
        except (OSError, ValueError) as error:
            log.warning("no share picture for %s (%s): %s", image.id, image.storage_key, error)
    db.session.flush()
    return made, (rows[-1].id if len(rows) == limit else None)
