"""fold_search_text() by Unicode decomposition: every Latin accent, and 4x cheaper

Revision ID: fold01
Revises: led02
Create Date: 2026-12-07

Migration 0001 folded accents with translate() over 134 listed letters (Vietnamese and common
Latin). translate() looks each character of the text up in that list, so folding a product
description cost about 120 µs, most of what PostgreSQL spends on a product row (the generated
search columns fold its title and description): a third of seed-bench at a million products.
And it folded less than its Python twin (services/core/text.py fold_accents), which decomposes
every letter and drops its combining marks: "Čaj" was "čaj" in the index but "caj" in the
search box's suggestions, so they never met.

The function now does what fold_accents does: map the letters Unicode does not decompose
(đ, ø, ł), decompose (NFD), drop the combining diacritical marks, compose again (NFC), lower
case. The same output for the 134 letters, every other accented letter folded too, about 30 µs
a description. The stored search columns of rows whose folding changes are computed again
(only rows with a character outside ASCII and the old list can change) and, when any did,
search_words is counted again from the titles.
"""
from alembic import op

revision = "fold01"
down_revision = "led02"
branch_labels = None
depends_on = None

# Migration 0001's lists, kept here so that the downgrade can restore its function.
FOLD_FROM = "àÀáÁảẢãÃạẠăĂằẰắẮẳẲẵẴặẶâÂầẦấẤẩẨẫẪậẬäÄåÅāĀąĄèÈéÉẻẺẽẼẹẸêÊềỀếẾểỂễỄệỆëËēĒęĘìÌíÍỉỈĩĨịỊïÏîÎīĪòÒóÓỏỎõÕọỌôÔồỒốỐổỔỗỖộỘơƠờỜớỚởỞỡỠợỢöÖøØōŌùÙúÚủỦũŨụỤưƯừỪứỨửỬữỮựỰüÜûÛūŪỳỲýÝỷỶỹỸỵỴÿŸđĐçÇćĆñÑńŃśŚšŠźŹżŻžŽłŁ"
FOLD_TO = "aAaAaAaAaAaAaAaAaAaAaAaAaAaAaAaAaAaAaAaAaAeEeEeEeEeEeEeEeEeEeEeEeEeEeEiIiIiIiIiIiIiIiIoOoOoOoOoOoOoOoOoOoOoOoOoOoOoOoOoOoOoOoOuUuUuUuUuUuUuUuUuUuUuUuUuUuUyYyYyYyYyYyYdDcCcCnNnNsSsSzZzZzZlL"
BY_LIST = f"lower(translate(value, '{FOLD_FROM}', '{FOLD_TO}'))"
# The combining diacritical marks and their supplements (U+0300-036F, 1AB0-1AFF, 1DC0-1DFF, 20D0-20FF,
# FE20-FE2F), written as \u escapes with four hex digits, which PostgreSQL's regular expressions read.
MARKS = r"[\u0300-\u036f\u1ab0-\u1aff\u1dc0-\u1dff\u20d0-\u20ff\ufe20-\ufe2f]"
BY_DECOMPOSITION = (f"lower(normalize(regexp_replace(normalize(translate(value, 'đĐøØłŁ', 'dDoOlL'), NFD), "
                    f"'{MARKS}', '', 'g'), NFC))")
# Only a row with a character outside ASCII and the old list can fold differently.
MAY_CHANGE = f"'[^\\x01-\\x7f{FOLD_FROM}]'"


def _fold_with(body: str, before: str) -> None:
    """Make fold_search_text() compute `body`, then compute again the search columns of the products whose
    title or description it folds differently from `before`, and recount search_words if any changed."""
    op.execute(f"""
        CREATE FUNCTION pg_temp.fold_before(value text) RETURNS text LANGUAGE sql IMMUTABLE STRICT
        AS $$ SELECT {before} $$""")
    op.execute(f"""
        CREATE OR REPLACE FUNCTION fold_search_text(value text) RETURNS text
        LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE
        AS $$ SELECT {body} $$""")
    # SET title = title computes the generated title_vector and search_vector again.
    op.execute(f"""
        CREATE TEMP TABLE refolded ON COMMIT DROP AS
        WITH changed AS (
            UPDATE products SET title = title, description = description
             WHERE (title || ' ' || description) ~ {MAY_CHANGE}
               AND (pg_temp.fold_before(title) IS DISTINCT FROM fold_search_text(title)
                    OR pg_temp.fold_before(description) IS DISTINCT FROM fold_search_text(description))
            RETURNING status)
        SELECT count(*) FILTER (WHERE status = 'ACTIVE') AS active FROM changed""")
    # search_words counts the words of ACTIVE titles as they are folded; its triggers follow title edits
    # only, so count them again from the titles when an active product's folding moved.
    op.execute("""
        DO $$ BEGIN
          IF (SELECT active FROM refolded) > 0 THEN
            DELETE FROM search_words;
            PERFORM search_words_count(ARRAY(SELECT title_vector FROM products WHERE status = 'ACTIVE'), '{}');
          END IF;
        END $$""")
    op.execute("DROP TABLE refolded")
    op.execute("DROP FUNCTION pg_temp.fold_before(text)")


def upgrade():
    _fold_with(BY_DECOMPOSITION, before=BY_LIST)


def downgrade():
    _fold_with(BY_LIST, before=BY_DECOMPOSITION)
