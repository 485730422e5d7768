"""The own-shop rule: nobody buys from their own shop. The cart flags such lines, checkout refuses
them and reviews refuse their authors, all through these two functions and one error code."""
import uuid

from flask_babel import gettext as _

OWN_SHOP = "own_shop"  # a flag, and the error code of every refusal of the own-shop rule


def is_own_shop(owner_id: uuid.UUID | None, user_id: uuid.UUID | None) -> bool:
    """Nobody buys from their own shop: a seller's own purchases would inflate the sold count and
    open the door to reviewing their own products. The cart, checkout and reviews all ask this."""
    return user_id is not None and owner_id == user_id


def own_shop_message(label: str) -> str:
    return _("%(item)s is from your own shop: you can't buy it.", item=label)
