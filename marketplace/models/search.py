"""The catalogue's own words (migration srch01), which search corrects typos against."""
from sqlalchemy import Text
from sqlalchemy.orm import Mapped, mapped_column

from marketplace.models.base import Base


class SearchWord(Base):
    """A folded word of the ACTIVE products' titles and how many of them use it. Nothing in Python
    writes it: statement-level triggers on `products` keep it in the changing transaction."""

    __tablename__ = "search_words"

    word: Mapped[str] = mapped_column(Text, primary_key=True)
    products: Mapped[int]
