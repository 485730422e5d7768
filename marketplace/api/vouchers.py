"""API: check a voucher code against a shop subtotal, list a shop's usable vouchers."""
from flask import current_app, request
from flask_login import current_user
from spectree import Response

from marketplace.api import bp
from marketplace.api.schemas import ErrorOut
from marketplace.api.schemas.cart import (
    AvailableVouchersQuery, VoucherListOut, VoucherOut, VoucherValidateIn, VoucherValidateOut,
)
from marketplace.api.spec import SESSION_CSRF, spec
from marketplace.services.ordering import vouchers as voucher_service
from marketplace.web.auth import login_required


@bp.post("/vouchers/validate")
@login_required
@spec.validate(json=VoucherValidateIn, resp=Response(HTTP_200=VoucherValidateOut, HTTP_401=ErrorOut,
                                                     HTTP_422=ErrorOut),
               tags=["vouchers"], security=SESSION_CSRF)
def validate_voucher():
    """Signed-in users: the discount a code gives on a shop subtotal, or 422 with the reason `code`."""
    body = request.context.json
    quote = voucher_service.quote(body.shop_id, body.code, body.subtotal, current_user)
    return VoucherValidateOut(code=quote.voucher.code, discount=quote.discount,
                              currency=current_app.config["CURRENCY"],
                              description=voucher_service.describe(quote.voucher)), 200


@bp.get("/vouchers/available")
@spec.validate(query=AvailableVouchersQuery, resp=Response(HTTP_200=VoucherListOut, HTTP_422=ErrorOut),
               tags=["vouchers"])
def available_vouchers():
    """Anyone: the shop's vouchers usable now (signed in: minus those this buyer used up;
    with a subtotal: only those it qualifies for)."""
    query = request.context.query
    currency = current_app.config["CURRENCY"]
    buyer = current_user if current_user.is_authenticated else None
    quotes = voucher_service.available_for_shop(query.shop_id, buyer, query.subtotal)
    return VoucherListOut(items=[VoucherOut(
        id=q.voucher.id, code=q.voucher.code, kind=q.voucher.kind.value, value=q.voucher.value,
        max_discount=q.voucher.max_discount, min_spend=q.voucher.min_spend, starts_at=q.voucher.starts_at,
        ends_at=q.voucher.ends_at, description=voucher_service.describe(q.voucher), currency=currency,
    ) for q in quotes]), 200
