"""Helpers for the admin tests: people with each role, logging in, reading the audit log."""
import uuid

import pytest
from sqlalchemy import select

from marketplace.extensions import db
from marketplace.models import AuditLog, Notification, Role
from tests.factories import login, make_shop, make_user

HTMX = {"HX-Request": "true"}


def htmx(target: str) -> dict:
    """Headers of an htmx request aimed at the element with id `target`."""
    return {"HX-Request": "true", "HX-Target": target}


def make_admin(**fields):
    return make_user(role=Role.ADMIN, full_name=fields.pop("full_name", "Ada Admin"), **fields)


def make_seller(**fields):
    seller = make_user(role=Role.SELLER, **fields)
    make_shop(owner=seller)
    return seller


def audit_entries(action: str | None = None, target_id: uuid.UUID | None = None) -> list[AuditLog]:
    stmt = select(AuditLog).order_by(AuditLog.created_at, AuditLog.id)
    if action:
        stmt = stmt.where(AuditLog.action == action)
    if target_id:
        stmt = stmt.where(AuditLog.target_id == target_id)
    return list(db.session.scalars(stmt))


def notifications_of(user_id: uuid.UUID, kind: str | None = None) -> list[Notification]:
    stmt = select(Notification).where(Notification.user_id == user_id)
    if kind:
        stmt = stmt.where(Notification.kind == kind)
    return list(db.session.scalars(stmt))


@pytest.fixture
def admin():
    return make_admin()


@pytest.fixture
def admin_client(client, admin):
    login(client, admin)
    return client


CONFIRMED = {"confirm": "yes"}  # what a destructive action's confirm step sends (marketplace/admin/confirm.py)
