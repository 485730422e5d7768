"""Seller center: the shop's vouchers (list, create, edit, deactivate).

Amounts are typed as money ("19.99", "150.000" for VND) and stored in minor units; a
percentage is a whole number. Every rule (code format and uniqueness, limits, dates)
is in services/vouchers.py; errors land on their field.
"""
import uuid
from datetime import datetime, timedelta, timezone

from flask import flash, redirect, render_template, request, url_for
from flask_wtf import FlaskForm
from wtforms import BooleanField, DateTimeLocalField, IntegerField, SelectField, StringField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import InputRequired, Length, NumberRange, Optional

from marketplace.extensions import db
from marketplace.models import Voucher, VoucherKind
from marketplace.models.base import utcnow
from marketplace.money import current_currency, exponent, parse_money
from marketplace.seller import bp
from marketplace.seller.access import shop_required
from marketplace.services import vouchers as voucher_service
from marketplace.services.errors import DomainError, ValidationFailed

DATETIME_FORMAT = "%Y-%m-%dT%H:%M"


class VoucherForm(FlaskForm):
    code = StringField("Code", validators=[InputRequired("Enter a code."), Length(max=40)])
    kind = SelectField("Type", choices=[SelectChoice("PERCENT", "Percent off"), SelectChoice("FIXED", "Fixed amount off")])
    value = StringField("Value", validators=[InputRequired("Enter the percent or the amount.")])
    max_discount = StringField("Maximum discount (percent vouchers)", validators=[Optional()])
    min_spend = StringField("Minimum spend", default="0", validators=[Optional()])
    starts_at = DateTimeLocalField("Starts (UTC)", format=DATETIME_FORMAT,
                                   validators=[InputRequired("Choose when it starts.")])
    ends_at = DateTimeLocalField("Ends (UTC)", format=DATETIME_FORMAT, validators=[InputRequired("Choose when it ends.")])
    usage_limit = IntegerField("Total uses (empty: unlimited)", validators=[Optional(), NumberRange(min=1)])
    per_user_limit = IntegerField("Uses per buyer (empty: unlimited)", validators=[Optional(), NumberRange(min=1)])
    is_active = BooleanField("Active", default=True)

    def fill_from(self, voucher: Voucher) -> None:
        self.code.data, self.kind.data = voucher.code, voucher.kind.value
        self.value.data = str(voucher.value) if voucher.kind == VoucherKind.PERCENT else _amount(voucher.value)
        self.max_discount.data = _amount(voucher.max_discount) if voucher.max_discount else ""
        self.min_spend.data = _amount(voucher.min_spend)
        self.starts_at.data, self.ends_at.data = _local(voucher.starts_at), _local(voucher.ends_at)
        self.usage_limit.data, self.per_user_limit.data = voucher.usage_limit, voucher.per_user_limit
        self.is_active.data = voucher.is_active

    def values(self) -> dict | None:
        """The service's keyword arguments, or None after putting parse errors on the fields."""
        values = {"code": self.code.data, "kind": self.kind.data, "usage_limit": self.usage_limit.data,
                  "per_user_limit": self.per_user_limit.data, "is_active": self.is_active.data,
                  "starts_at": _utc(self.starts_at.data), "ends_at": _utc(self.ends_at.data)}
        ok = True
        if self.kind.data == VoucherKind.PERCENT.value:
            text = (self.value.data or "").strip()
            if not text.isdigit():
                self.value.errors.append("Enter a whole percentage, e.g. 10.")
                ok = False
            values["value"] = int(text) if text.isdigit() else None
        else:
            ok &= self._money(self.value, values, "value")
        ok &= self._money(self.max_discount, values, "max_discount")
        ok &= self._money(self.min_spend, values, "min_spend", empty=0)
        return values if ok else None

    @staticmethod
    def _money(field, values: dict, key: str, empty=None) -> bool:
        text = (field.data or "").strip()
        if not text:
            values[key] = empty
            return True
        try:
            values[key] = parse_money(text)
        except ValueError as error:
            field.errors.append(str(error))
            return False
        return True


def _amount(value: int) -> str:
    """Minor units as a seller types them back: 1999 -> "19.99" (USD), 150000 -> "150000" (VND)."""
    digits = exponent(current_currency())
    if not digits:
        return str(value)
    whole, minor = divmod(value, 10**digits)
    return f"{whole}.{minor:0{digits}d}"


def _local(moment: datetime) -> datetime:
    return moment.astimezone(timezone.utc).replace(tzinfo=None)


def _utc(moment: datetime | None) -> datetime | None:
    return moment.replace(tzinfo=timezone.utc) if moment else None


def _save(form: VoucherForm, change) -> bool:
    """Run `change(values)`; on a refusal put the message on its field (or the form) and roll back."""
    if not form.validate():
        return False
    values = form.values()
    if values is None:
        return False
    try:
        change(values)
    except DomainError as error:
        db.session.rollback()
        placed = False
        for name, message in error.fields.items():
            if name in form._fields:
                form[name].errors = [*form[name].errors, message]
                placed = True
        if not placed:
            form.form_errors.append(error.message)
        return False
    db.session.commit()
    return True


@bp.get("/vouchers")
@shop_required
def list_vouchers(shop):
    """Seller with a shop: their vouchers, newest first, with uses so far."""
    try:
        page = voucher_service.list_shop_vouchers(shop, request.args.get("cursor"))
    except ValidationFailed:  # a stale or damaged page link: start from the first page
        return redirect(url_for("seller.list_vouchers"))
    return render_template("seller/vouchers.html", shop=shop, page=page, now=utcnow(),
                           describe_voucher=voucher_service.describe)


@bp.route("/vouchers/new", methods=["GET", "POST"])
@shop_required
def new_voucher(shop):
    """Seller with a shop: create a voucher for it."""
    form = VoucherForm()
    if request.method == "GET":
        start = utcnow().replace(second=0, microsecond=0)
        form.starts_at.data, form.ends_at.data = _local(start), _local(start + timedelta(days=30))
    elif _save(form, lambda values: voucher_service.create_voucher(shop, **values)):
        flash(f"Voucher {form.code.data.strip().upper()} created.", "success")
        return redirect(url_for("seller.list_vouchers"))
    status = 422 if request.method == "POST" else 200
    return render_template("seller/vouchers_form.html", form=form, voucher=None), status


@bp.route("/vouchers/<uuid:voucher_id>/edit", methods=["GET", "POST"])
@shop_required
def edit_voucher(shop, voucher_id: uuid.UUID):
    """Seller with a shop: change one of its vouchers (another shop's is a 404)."""
    voucher = voucher_service.get_shop_voucher(shop, voucher_id)
    form = VoucherForm()
    if request.method == "GET":
        form.fill_from(voucher)
    elif _save(form, lambda values: voucher_service.update_voucher(shop, voucher_id, **values)):
        flash(f"Voucher {voucher.code} saved.", "success")
        return redirect(url_for("seller.list_vouchers"))
    else:
        voucher = voucher_service.get_shop_voucher(shop, voucher_id)
    status = 422 if request.method == "POST" else 200
    return render_template("seller/vouchers_form.html", form=form, voucher=voucher), status


@bp.post("/vouchers/<uuid:voucher_id>/deactivate")
@shop_required
def deactivate_voucher(shop, voucher_id: uuid.UUID):
    """Seller with a shop: stop one of its vouchers from being used (uses so far stay)."""
    FlaskForm()  # CSRF is checked globally for every POST
    voucher = voucher_service.deactivate_voucher(shop, voucher_id)
    db.session.commit()
    flash(f"Voucher {voucher.code} deactivated.", "success")
    return redirect(url_for("seller.list_vouchers"))
