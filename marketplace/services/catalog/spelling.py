"""Search that forgives typos: a query's unknown words corrected against the catalogue's own words.

search_words (migration srch01) holds every folded word of the active products' titles with how
many products use it, kept by the database in the transaction that changes a product. Each
process loads it once per 'catalog' cache version (a new value at the commit of any product
change) and matches in-process with rapidfuzz: no round trip per word, and no contrib extension
(the embedded server ships no pg_trgm). A word is corrected when the catalogue does not know it,
or knows it from a few titles only while a far more common word is one typo away; the closest
known word of a similar length wins, the more common one on a tie. Words typed without their
space ("tainghe") split into two known words unless one typo away from a single word ("denin" is
"denim", not "den in").
"""
from __future__ import annotations

import re
import threading
from dataclasses import dataclass, replace

from flask import current_app
from rapidfuzz import fuzz, process
from rapidfuzz.distance import OSA
from sqlalchemy import select

from marketplace.extensions import db
from marketplace.models import SearchWord
from marketplace.services.catalog import storefront_cache
from marketplace.services.catalog.listing_queries import TITLE_MATCHES_ENOUGH as ENOUGH
from marketplace.services.catalog.listing_queries import ListingQuery, ProductCard
from marketplace.services.catalog.search import Suggestion
from marketplace.services.catalog.search import suggest as suggest_titles
from marketplace.services.core import rollups
from marketplace.services.core.paging import Page
from marketplace.services.core.text import fold_accents

# Shorter words are too ambiguous to correct: "ao" is one edit away from a dozen words.
MIN_WORD = 3
# fuzz.ratio (100 x (1 - insertions and deletions / both lengths)): "hodie" -> "hoodie" scores 91,
# "nge" -> "nghe" 86, a swapped pair of letters in six ("hoodei") 83; unrelated words stay under 60.
SCORE_CUTOFF = 75
LENGTH_SLACK = 2  # a candidate has at most this many letters more or fewer than the typed word
CANDIDATES = 5
RARE_RATIO = 5  # a known word yields to one typo away used by this many times more products
_WORD = re.compile(r"[^\W_]+")  # what search.prefix_tsquery_text and websearch_to_tsquery see as words
_KNOWABLE = re.compile(r"[a-z0-9]*[a-z][a-z0-9]*")  # the shape of a search_words entry (srch01)
_CACHE = "search_vocabulary"
_LOCK = threading.Lock()


@dataclass(frozen=True)
class Vocabulary:
    """The catalogue's words with their product counts, and the same words by length for matching."""

    counts: dict[str, int]
    by_length: dict[int, list[str]]

    @classmethod
    def of(cls, rows) -> Vocabulary:
        counts = dict(rows)
        by_length: dict[int, list[str]] = {}
        for word in counts:
            by_length.setdefault(len(word), []).append(word)
        return cls(counts, by_length)

    def correct_word(self, word: str) -> str | None:
        """The known word (or two) `word` was probably meant to be; None when it is too short to guess, like
        nothing in the catalogue, or known (unless one typo away from a word RARE_RATIO times as common:
        a seller's own typo makes "hodie" known, yet the shopper meant "hoodie")."""
        if len(word) < MIN_WORD or not _KNOWABLE.fullmatch(word):
            return None
        closest = self._closest(word)
        near = closest is not None and OSA.distance(word, closest) <= 1  # a letter added, lost, changed or swapped
        if word in self.counts:
            return closest if near and self.counts[closest] >= RARE_RATIO * self.counts[word] else None
        return closest if near else self._split(word) or closest

    def _closest(self, word: str) -> str | None:
        """The other known word of a similar length most like `word`, the most common one on a tie."""
        best = None  # (score, products, candidate)
        for length in range(len(word) - LENGTH_SLACK, len(word) + LENGTH_SLACK + 1):
            for candidate, score, _ in process.extract(word, self.by_length.get(length, ()), scorer=fuzz.ratio,
                                                       score_cutoff=SCORE_CUTOFF, limit=CANDIDATES):
                ranked = (round(score), self.counts[candidate], candidate)
                if candidate != word and (best is None or ranked > best):
                    best = ranked
        return best[2] if best else None

    def few_titles(self, q: str, few: int) -> bool:
        """Whether fewer than `few` active products' titles hold every word of `q` (no more than its rarest
        word's count). Only a plain query says: a "-word", an "or" or a quote changes what the words mean;
        words the catalogue's words can't tell (one letter, other scripts) are left out."""
        if any(mark in q for mark in '-"') or " or " in f" {q.lower()} ":
            return False
        counts = [self.counts.get(word, 0) for word in map(fold_accents, _WORD.findall(q))
                  if len(word) >= 2 and _KNOWABLE.fullmatch(word)]
        return bool(counts) and min(counts) < few

    def _split(self, word: str) -> str | None:
        """"tainghe" -> "tai nghe": the split into two known words of 2+ letters whose rarer half is most common."""
        splits = [(min(self.counts[word[:i]], self.counts[word[i:]]), f"{word[:i]} {word[i:]}")
                  for i in range(2, len(word) - 1) if word[:i] in self.counts and word[i:] in self.counts]
        return max(splits)[1] if splits else None


def vocabulary() -> Vocabulary:
    """This process's copy of search_words, read again when the 'catalog' version has moved."""
    version = rollups.cache_versions().get("catalog")
    cached = current_app.extensions.get(_CACHE)
    if cached is not None and version is not None and cached[0] == version:
        return cached[1]
    with _LOCK:  # one thread loads; the others wait for its copy instead of loading their own
        cached = current_app.extensions.get(_CACHE)
        if cached is not None and version is not None and cached[0] == version:
            return cached[1]
        loaded = Vocabulary.of(db.session.execute(select(SearchWord.word, SearchWord.products)).all())
        current_app.extensions[_CACHE] = (version, loaded)
        return loaded


def correct(q: str) -> str | None:
    """`q` with each word the catalogue does not know replaced by the closest one it does ("áo hodie"
    -> "áo hoodie"; the other words keep their accents); None when there is nothing to correct."""
    words = list(_WORD.finditer(q))
    if not words:
        return None
    known = vocabulary()
    pieces, end, changed = [], 0, False
    for match in words:
        fix = known.correct_word(fold_accents(match.group()))
        if fix is not None:
            pieces += [q[end:match.start()], fix]
            end, changed = match.end(), True
    return "".join(pieces) + q[end:] if changed else None


# A first page with fewer results than this asks whether the words were misspelt.
FEW_RESULTS = 5


@dataclass(frozen=True)
class Forgiven:
    """A search's page, and what it says about spelling."""

    page: Page[ProductCard]
    query: str  # the words the page shows results for
    instead_of: str | None = None  # the typed words, when the page shows their correction's results
    did_you_mean: str | None = None  # a correction with more results than the typed words (which are shown)


def search(query: ListingQuery, exact: bool = False) -> Forgiven:
    """The first page of a search, or of its corrected words when the typed ones find nothing and the
    correction finds something; a typed search with a few results offers the correction instead.
    A later page (a cursor) and an `exact` search take the words as they are. Words that few titles
    hold (a typo: none) skip the relevance walk of the best sellers' titles, which would read all
    of its 50,000 entries to give up (listing_queries.TITLE_WALK): the same page, for a fraction."""
    known = vocabulary()
    page = storefront_cache.cached_listing(replace(query, few_title_matches=known.few_titles(query.text, ENOUGH)))
    if exact or query.cursor or len(page.items) >= FEW_RESULTS:
        return Forgiven(page, query.text)
    corrected = correct(query.text)
    if corrected is None:
        return Forgiven(page, query.text)
    other = storefront_cache.cached_listing(replace(query, text=corrected,
                                                    few_title_matches=known.few_titles(corrected, ENOUGH)))
    if not page.items and other.items:
        return Forgiven(other, corrected, instead_of=query.text)
    if len(other.items) > len(page.items):
        return Forgiven(page, query.text, did_you_mean=corrected)
    return Forgiven(page, query.text)


def suggest(q: str) -> tuple[list[Suggestion], str | None]:
    """Search-as-you-type titles for `q`; when it finds none, those of its corrected words, with them."""
    found = suggest_titles(q)
    if found:
        return found, None
    corrected = correct(q)
    found = suggest_titles(corrected) if corrected else []
    return found, corrected if found else None
