"""The confirm step of a destructive admin action: a page without JavaScript, a dialog with it.

Each destructive action (suspend a user; approve, reject or suspend a shop; hide a product or
a review; delete a category) has a GET at its own address that says what will happen and to
whom, with the reason field when the action takes one, and the POST there acts only when that
form's `confirm` field came with it (forms.ConfirmedForm). A POST without it (a stale button,
a crafted request) gets the same step back and changes nothing.

With htmx the step loads into the admin layout's <dialog> (static/js/admin-confirm.js); its
form then swaps the row or panel the admin started from (`target`, one the view knows), the way
the one-click buttons did, and a refusal about the form comes back into the dialog. Started from
a whole page (a shop's review page), the target is the dialog itself, and success reloads the
page the admin came from (`reload`), with its flash.
"""
from dataclasses import dataclass, field

from flask import redirect, render_template, request

from marketplace.admin.forms import ConfirmedForm
from marketplace.web.htmx import htmx_target, is_htmx

DIALOG = "admin-confirm-body"


@dataclass
class Confirmation:
    title: str                  # the question: "Reject the shop “Kettles”?"
    consequences: list[str]     # what will happen, and to whom
    action_url: str             # where the confirm form posts
    button: str                 # the confirming button: "Reject the shop"
    form: ConfirmedForm
    back: str                   # where Cancel goes: the page the admin came from
    reason: bool = False        # ask for form.reason
    reason_help: str | None = None
    danger: bool = True
    target: str | None = None   # with htmx: the id of the element the answer replaces
    blocked: str | None = None  # why the action can't be taken now (no button then)
    details: list[tuple[str, str]] = field(default_factory=list)  # (label, value) about the subject
    fields: list = field(default_factory=list)  # more inputs the action takes (a payout's bank reference)


def swap_target(*allowed: str) -> str | None:
    """The element the dialog's form will update: the GET's `target`, or the POST's htmx target;
    only one of the ids the view can render (else the form posts as a plain form, PRG)."""
    wanted = request.args.get("target") if request.method == "GET" else htmx_target()
    return wanted if wanted in allowed else None


def render_confirm(confirmation: Confirmation, status: int = 200):
    """The confirm step: the dialog's content for htmx (wherever it was aimed), else the page."""
    if is_htmx():
        html = render_template("admin/partials/_confirm.html", c=confirmation)
        return html, status, {"HX-Retarget": f"#{DIALOG}", "HX-Reswap": "innerHTML"}
    return render_template("admin/confirm.html", c=confirmation), status


def reload(url: str):
    """After an action: back to `url` (PRG). From the dialog (htmx aimed at it), htmx is told to load
    `url` as a page: a redirect would be followed by the XHR and land inside the dialog."""
    if htmx_target() == DIALOG:
        return "", 204, {"HX-Redirect": url}
    return redirect(url, code=303)
