"""Read-only statements answered as plain rows, for pages that only show what they read.

Loading ORM entities (identity map, eager loads, de-duplication) costs several times the
Python of the rows themselves; the storefront's hot reads (listings, the product page and
its reviews) need none of it.
"""
from sqlalchemy import func, literal_column, select
from sqlalchemy.dialects.postgresql import aggregate_order_by

from marketplace.extensions import db


def execute_rows(statement, params: dict) -> list:
    """The rows of a SELECT of columns, run on the session's connection (its transaction).

    The session's own execute path adds a third to a listing's Python (about 0.4 ms); only
    the autoflush it would do is kept, so a request sees its own pending changes.
    """
    session = db.session()
    if session.autoflush:
        session.flush()
    return session.connection().execute(statement, params).all()


def json_list(where, order_by: tuple, **columns):
    """A correlated subquery: the matching rows as a JSON list of {name: value} objects, in order ([] for none).

    For the few children of one row (a product's variants, a review's photos): they come back
    inside the parent's row, in the same statement, without multiplying its rows.
    """
    row = func.json_build_object(*(part for name, column in columns.items() for part in (name, column)))
    return (select(func.coalesce(func.json_agg(aggregate_order_by(row, *order_by)), literal_column("'[]'::json")))
            .where(where).scalar_subquery())
