"""Return schemas: asking to return lines of an order, and a return as the buyer's app reads it."""
import uuid

from pydantic import Field

from marketplace.api.schemas import ApiModel, Moment, multi_line, one_line, whole
from marketplace.api.schemas.uploads import FilesIn, UploadedFiles
from marketplace.services.returns.returns import DETAILS_MAX, IMAGES_MAX, TEXT_MAX, TRACKING_MAX
from marketplace.storage import media_url


class ReturnLineIn(ApiModel):
    order_item_id: uuid.UUID
    quantity: whole(1, 100_000)


class ReturnIn(ApiModel):
    lines: list[ReturnLineIn] = Field(min_length=1, max_length=100, description="The lines and units to send back")
    reason: one_line(20) = Field(description="DAMAGED, WRONG_ITEM, NOT_AS_DESCRIBED, MISSING_PARTS, CHANGED_MIND or "
                                             "OTHER. The whole order back for one of the first four refunds shipping too")
    details: multi_line(DETAILS_MAX) | None = None


class ReturnImagesIn(FilesIn):
    """multipart/form-data: the photos to add, each a part named `images`."""

    images: UploadedFiles = Field(
        description=f"JPEG, PNG, WebP or GIF files, up to 5 MB each; a return holds at most {IMAGES_MAX} photos "
                    "in all. They are stored re-encoded as WebP, without their metadata.",
    )


class TrackingIn(ApiModel):
    tracking_number: one_line(TRACKING_MAX)


class DisputeIn(ApiModel):
    note: multi_line(TEXT_MAX) | None = None


class ReturnsQuery(ApiModel):
    cursor: one_line(500) | None = Field(None, description="next_cursor of the previous page")


class ReturnLineOut(ApiModel):
    order_item_id: uuid.UUID
    product_title: str
    quantity: int


class ReturnEventOut(ApiModel):
    from_status: str | None
    to_status: str
    note: str | None = None
    created_at: Moment


class RefundOut(ApiModel):
    id: uuid.UUID
    amount: int
    shipping_amount: int
    currency: str
    method: str = Field(description="ONLINE (back through the payment service) or COD (by bank transfer)")
    status: str = Field(description="OWED, PAID or FAILED (an administrator pays it by hand)")
    created_at: Moment
    paid_at: Moment | None = None

    @classmethod
    def of(cls, refund) -> "RefundOut":
        return cls(id=refund.id, amount=refund.amount, shipping_amount=refund.shipping_amount,
                   currency=refund.currency, method=refund.method, status=refund.status,
                   created_at=refund.created_at, paid_at=refund.paid_at)


class ReturnOut(ApiModel):
    id: uuid.UUID
    number: str
    order_id: uuid.UUID
    status: str = Field(description="REQUESTED, ACCEPTED, REFUSED, DISPUTED, SHIPPED_BACK, RECEIVED, REFUNDED, "
                                    "CLOSED or CANCELLED")
    reason: str
    details: str
    respond_by: Moment = Field(description="The seller's deadline to answer; then an administrator decides")
    refuse_reason: str | None = None
    decision_note: str | None = None
    tracking_number: str | None = None
    created_at: Moment
    lines: list[ReturnLineOut] = Field(default_factory=list)
    image_urls: list[str] = Field(default_factory=list)
    events: list[ReturnEventOut] = Field(default_factory=list)
    refunds: list[RefundOut] = Field(default_factory=list)

    @classmethod
    def of(cls, request, lines=(), refunds=(), titles: dict | None = None) -> "ReturnOut":
        titles = titles or {}
        return cls(
            id=request.id, number=request.number, order_id=request.order_id, status=request.status,
            reason=request.reason, details=request.details or "", respond_by=request.respond_by,
            refuse_reason=request.refuse_reason, decision_note=request.decision_note,
            tracking_number=request.tracking_number, created_at=request.created_at,
            lines=[ReturnLineOut(order_item_id=line.order_item_id, product_title=titles.get(line.order_item_id, ""),
                                 quantity=line.quantity) for line in (lines or request.items)],
            image_urls=[media_url(image.key) for image in request.images],
            events=[ReturnEventOut(from_status=e.from_status, to_status=e.to_status, note=e.note,
                                   created_at=e.created_at) for e in request.events],
            refunds=[RefundOut.of(refund) for refund in refunds],
        )


class ReturnListOut(ApiModel):
    items: list[ReturnOut]
    next_cursor: str | None = None
