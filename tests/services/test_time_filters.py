"""Times on the pages: stored in UTC, shown in the viewer's zone (their profile's, else DEFAULT_TIMEZONE)
with Babel's formats for their language, inside <time datetime="the UTC moment"> (issue 16.3)."""
from datetime import date, datetime, timedelta, timezone

import pytest
from flask import render_template_string
from flask_babel import refresh
from flask_login import login_user

from marketplace import dates
from marketplace.services.ordering import vouchers
from tests.factories import login, make_order, make_user, make_voucher

MOMENT = datetime(2026, 12, 6, 7, 5, tzinfo=timezone.utc)  # 14:05 in Hồ Chí Minh City, 08:05 in Paris
ISO = 'datetime="2026-12-06T07:05:00+00:00"'
NNBSP = "\u202f"  # CLDR's narrow no-break space before AM/PM


def render(app, source: str, language: str = "en", user=None, **values) -> str:
    with app.test_request_context("/", headers={"Accept-Language": language}):
        refresh()  # the test's app context outlives each request's; a real one doesn't
        if user is not None:
            login_user(user)
        return render_template_string(source, moment=MOMENT, **values)


@pytest.mark.parametrize("language, text", [("vi", "14:05 6 thg 12, 2026"), ("en", f"Dec 6, 2026, 2:05{NNBSP}PM")])
def test_datetime_is_local_and_in_the_viewers_language(app, language, text):
    assert render(app, "{{ moment|datetime }}", language) == f"<time {ISO}>{text}</time>"


@pytest.mark.parametrize("source, language, text", [
    ("{{ moment|date }}", "vi", f"<time {ISO}>6 thg 12, 2026</time>"),
    ("{{ moment|date }}", "en", f"<time {ISO}>Dec 6, 2026</time>"),
    ("{{ moment|date('yMMMM') }}", "vi", '<time datetime="2026-12">tháng 12 năm 2026</time>'),
    ("{{ moment|date('yMMMM') }}", "en", '<time datetime="2026-12">December 2026</time>'),
    ("{{ moment|date_text('MMMd') }}", "vi", "6 thg 12"),
    ("{{ moment|date_text('MMMd') }}", "en", "Dec 6"),
    ("{{ day|date }}", "en", '<time datetime="2026-12-31">Dec 31, 2026</time>'),  # a calendar day stays that day
])
def test_dates_and_months(app, source, language, text):
    assert render(app, source, language, day=date(2026, 12, 31)) == text


def test_the_local_day_is_the_one_shown(app):
    late = datetime(2026, 12, 6, 17, 30, tzinfo=timezone.utc)  # 00:30 on the 7th in Hồ Chí Minh City
    assert render(app, "{{ late|date }}", "en", late=late).endswith(">Dec 7, 2026</time>")


@pytest.mark.parametrize("language, text", [("vi", "2 giờ trước"), ("en", "2 hours ago")])
def test_time_ago(app, language, text):
    then = datetime.now(timezone.utc) - timedelta(hours=2, minutes=5)
    html = render(app, "{{ then|timeago }}", language, then=then)
    assert html.startswith(f'<time datetime="{then.isoformat()}">') and html.endswith(f">{text}</time>")


def test_the_profiles_zone_wins(app):
    parisian = make_user(timezone="Europe/Paris")
    assert render(app, "{{ moment|datetime }}", "en", parisian).endswith(f">Dec 6, 2026, 8:05{NNBSP}AM</time>")
    assert render(app, "{{ moment|datetime }}", "en", make_user()).endswith(f">Dec 6, 2026, 2:05{NNBSP}PM</time>")


def test_naive_times_are_utc_and_nothing_is_empty(app):
    naive = MOMENT.replace(tzinfo=None)
    assert render(app, "{{ naive|datetime }}", "en", naive=naive) == f"<time {ISO}>Dec 6, 2026, 2:05{NNBSP}PM</time>"
    assert render(app, "{{ none|datetime }}{{ none|date }}{{ none|timeago }}", "en", none=None) == ""


def test_a_datetime_local_input_reads_the_viewers_wall_clock(app):
    parisian = make_user(timezone="Europe/Paris")
    with app.test_request_context("/"):
        refresh()
        login_user(parisian)
        assert dates.wall_clock(MOMENT) == datetime(2026, 12, 6, 8, 5)
        assert dates.from_wall_clock(datetime(2026, 12, 6, 8, 5)) == MOMENT


def test_an_order_page_shows_the_buyers_local_time_without_utc(client):
    buyer = make_user(locale="vi")
    order = make_order(buyer, created_at=datetime(2026, 12, 6, 16, 30, tzinfo=timezone.utc))
    login(client, buyer)
    html = client.get(f"/orders/{order.id}").get_data(as_text=True)
    assert '<time datetime="2026-12-06T16:30:00+00:00">23:30 6 thg 12, 2026</time>' in html
    assert " UTC" not in html


def test_a_vouchers_dates_are_told_in_local_time():
    starts = datetime(2031, 1, 1, 17, 30, tzinfo=timezone.utc)  # 00:30 on 2 January in Hồ Chí Minh City
    voucher = make_voucher(starts_at=starts, ends_at=starts + timedelta(days=9))
    with pytest.raises(vouchers.VoucherInvalid) as caught:
        vouchers.validate(voucher.shop_id, voucher.code, 5000, make_user())
    assert caught.value.message == f"{voucher.code} starts on Jan 2, 2031, 12:30{NNBSP}AM."
