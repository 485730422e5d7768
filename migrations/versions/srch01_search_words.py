"""search: the catalogue's own words, for "Did you mean" and typo-tolerant search

Revision ID: srch01
Revises: i18n01
Create Date: 2026-12-08

search_words holds every distinct word of the ACTIVE products' titles, folded as search folds
them (the lexemes of products.title_vector: fold_search_text, lower case, accents off), 2 to 40
letters and digits with at least one letter, with how many products use it. services/catalog/spelling.py loads it once per process and
catalogue version and corrects a query's unknown words against it ("hodie" -> "hoodie").

Kept by statement-level triggers with transition tables in the changing transaction, like
product_counts (perf06): one upsert per statement whatever its number of rows (a COPY of
10,000 products is one), words in sorted order so two writers lock them in the same order.
An update that moves neither a title nor a status (a sale's sold_count, a page version) joins
its transition tables, finds nothing and writes nothing. A word whose count reaches zero is
deleted. Measured at 100,000 products: see bench/README.md ("Search that forgives").
"""
import sqlalchemy as sa
from alembic import op

revision = "srch01"
down_revision = "i18n01"
branch_labels = None
depends_on = None

UPGRADE = """
CREATE FUNCTION search_words_count(added tsvector[], removed tsvector[]) RETURNS void LANGUAGE plpgsql AS $$
DECLARE
  emptied text[];
BEGIN
  WITH changed AS (
    INSERT INTO search_words AS s (word, products)
    SELECT word, sum(change) FROM (
        SELECT l.lexeme AS word, 1 AS change FROM unnest(added) AS t(words), unnest(t.words) AS l
        UNION ALL
        SELECT l.lexeme, -1 FROM unnest(removed) AS t(words), unnest(t.words) AS l
    ) c WHERE length(word) BETWEEN 2 AND 40 AND word ~ '^[a-z0-9]*[a-z][a-z0-9]*$'
    GROUP BY word HAVING sum(change) <> 0 ORDER BY word
    ON CONFLICT (word) DO UPDATE SET products = s.products + EXCLUDED.products
    RETURNING word, products)
  SELECT array_agg(word) INTO emptied FROM changed WHERE products <= 0;
  IF emptied IS NOT NULL THEN
    DELETE FROM search_words WHERE word = ANY (emptied);
  END IF;
END $$;

CREATE FUNCTION search_words_insert() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  PERFORM search_words_count(ARRAY(SELECT title_vector FROM new_rows WHERE status = 'ACTIVE'), '{}');
  RETURN NULL;
END $$;

CREATE FUNCTION search_words_delete() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  PERFORM search_words_count('{}', ARRAY(SELECT title_vector FROM old_rows WHERE status = 'ACTIVE'));
  RETURN NULL;
END $$;

CREATE FUNCTION search_words_update() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
  added tsvector[];
  removed tsvector[];
BEGIN
  SELECT array_agg(n.title_vector) FILTER (WHERE n.status = 'ACTIVE'),
         array_agg(o.title_vector) FILTER (WHERE o.status = 'ACTIVE')
    INTO added, removed
    FROM old_rows o JOIN new_rows n ON n.id = o.id
   WHERE (o.title <> n.title OR o.status <> n.status) AND 'ACTIVE' IN (o.status, n.status);
  IF added IS NOT NULL OR removed IS NOT NULL THEN
    PERFORM search_words_count(coalesce(added, '{}'), coalesce(removed, '{}'));
  END IF;
  RETURN NULL;
END $$;

CREATE TRIGGER products_search_words_insert AFTER INSERT ON products
REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION search_words_insert();
CREATE TRIGGER products_search_words_delete AFTER DELETE ON products
REFERENCING OLD TABLE AS old_rows FOR EACH STATEMENT EXECUTE FUNCTION search_words_delete();
CREATE TRIGGER products_search_words_update AFTER UPDATE ON products
REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION search_words_update();

SELECT search_words_count(ARRAY(SELECT title_vector FROM products WHERE status = 'ACTIVE'), '{}');
"""


def upgrade():
    op.create_table(
        "search_words",
        sa.Column("word", sa.Text(), nullable=False),
        sa.Column("products", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("word", name=op.f("pk_search_words")),
    )
    op.execute(UPGRADE)


def downgrade():
    for event in ("insert", "delete", "update"):
        op.execute(f"DROP TRIGGER products_search_words_{event} ON products")
        op.execute(f"DROP FUNCTION search_words_{event}()")
    op.execute("DROP FUNCTION search_words_count(tsvector[], tsvector[])")
    op.drop_table("search_words")
