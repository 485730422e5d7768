"""Schemas of the notifications API."""
import uuid

from pydantic import BaseModel, Field

from marketplace.api.schemas import ApiModel, Moment, one_line, whole
from marketplace.models import Notification


class NotificationOut(ApiModel):
    id: uuid.UUID
    kind: str = Field(description='What happened, e.g. "order.shipped", "review.new"')
    title: str
    body: str
    link: str | None = Field(None, description="A path on the web site about it")
    is_read: bool
    read_at: Moment | None = None
    created_at: Moment

    @classmethod
    def of(cls, n: Notification) -> "NotificationOut":
        return cls(id=n.id, kind=n.kind, title=n.title, body=n.body or "", link=n.link,
                   is_read=n.read_at is not None, read_at=n.read_at, created_at=n.created_at)


class NotificationListOut(ApiModel):
    items: list[NotificationOut]
    next_cursor: str | None = Field(None, description="Pass as `cursor` for the next page; null on the last page")
    unread_count: int


class NotificationListQuery(BaseModel):
    cursor: one_line(500) | None = None
    limit: whole(1, 50) = 20


class ReadAllOut(ApiModel):
    marked: int = Field(description="How many notifications were unread and are now read")
    unread_count: int
