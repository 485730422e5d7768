"""fold_accents (services/core/text.py) strips the Latin marks by a regular expression and only falls
back to asking Unicode about each character when something else is left: the same result as the
definition, every combining character dropped, for any text."""
import unicodedata

from hypothesis import given, settings
from hypothesis import strategies as st

from marketplace.services.core.text import fold_accents, slugify

UNDECOMPOSABLE = str.maketrans({"đ": "d", "Đ": "D", "ø": "o", "Ø": "O", "ł": "l", "Ł": "L"})
# Vietnamese letters precomposed and decomposed, other scripts' combining marks (Hebrew, Thai,
# Devanagari, the grapheme joiner U+034F, which is no combining character), and anything else.
TEXT = st.text(st.one_of(
    st.sampled_from("aăâđeêioôơuưyAĐƠƯàảãạằắẳẵặầấẩẫậèẻẽẹềếểễệìỉĩịòỏõọờớởỡợùủũụừứửữựỳỷỹỵ ČøŁßǄﬁİ"),
    st.sampled_from("\u0300\u0301\u0303\u0309\u0323\u0302\u0306\u031b\u034f\u05b0\u0e31\u093f\u20dd\ufe20"),
    st.characters(codec="utf-8")), max_size=40)


def by_definition(value: str) -> str:
    decomposed = unicodedata.normalize("NFD", value.translate(UNDECOMPOSABLE))
    return unicodedata.normalize("NFC", "".join(ch for ch in decomposed if not unicodedata.combining(ch))).lower()


@settings(max_examples=2000)
@given(TEXT)
def test_folding_is_the_definitions(value):
    assert fold_accents(value) == by_definition(value)


def test_what_a_shopper_types_folds_to_plain_letters():
    assert fold_accents("Cà phê Đà Lạt") == "ca phe da lat"
    assert fold_accents("Áo THUN cổ tròn") == "ao thun co tron"
    assert fold_accents("e\u0301\u034f") == "e\u034f" and fold_accents(None) == ""
    assert slugify("Bình giữ nhiệt Lock&Lock 500ml – Đỏ") == "binh-giu-nhiet-lock-lock-500ml-do"
