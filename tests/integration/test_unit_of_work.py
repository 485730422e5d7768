"""The request's unit of work (web/unit_of_work.py): one commit when the answer is a success,
a rollback otherwise, effects only after the commit, and the three exceptions a view may state.

An app of its own, with routes made for the test, on the test database with real commits (its
rows are removed after each test): what is committed is read back from a fresh connection.
"""
import pytest
from flask import abort
from sqlalchemy import delete, func, select

from marketplace import create_app
from marketplace.extensions import db
from marketplace.models import Category
from marketplace.services.core.effects import after_commit
from marketplace.services.core.errors import ValidationFailed
from marketplace.web import unit_of_work
from tests.conftest import make_test_config

SLUG = "unit-of-work-"
effects_run: list[str] = []


def _add(name: str) -> None:
    db.session.add(Category(name=name, slug=SLUG + name))
    db.session.flush()
    after_commit(db.session, effects_run.append, name)


def _refuse():
    raise ValidationFailed("No.", code="no")


@pytest.fixture(scope="module")
def uow_app(app):
    application = create_app(make_test_config(app.config["SQLALCHEMY_DATABASE_URI"]))

    @application.post("/uow/ok")
    def ok():
        _add("ok")
        return "done", 200

    @application.post("/uow/refused-page")
    def refused_page():
        _add("refused-page")
        return "Please check the form", 422

    @application.post("/uow/domain-error")
    def domain_error():
        _add("domain-error")
        _refuse()

    @application.post("/uow/crash")
    def crash():
        _add("crash")
        raise RuntimeError("bug")

    @application.post("/uow/abort")
    def aborted():
        _add("abort")
        abort(403)

    @application.post("/uow/keep")
    def keep():
        _add("keep")
        unit_of_work.keep_on_refusal()
        return "wrong code, try counted", 422

    @application.post("/uow/discard")
    def discard():
        _add("discard")
        unit_of_work.discard()
        return "replayed", 200

    @application.post("/uow/attempt")
    def attempt():
        _add("before")
        try:
            with unit_of_work.attempt():
                _add("attempted")
                _refuse()
        except ValidationFailed:
            seen = db.session.scalar(select(func.count()).select_from(Category).where(Category.slug.startswith(SLUG)))
            return f"refused; the page sees {seen}", 422
        return "not refused", 200

    @application.post("/uow/commit-fails")
    def commit_fails():
        _add("twin")
        db.session.add(Category(name="twin", slug=SLUG + "twin"))  # flushed only by the commit: a unique violation
        return "looked fine", 200

    @application.get("/uow/read")
    def read():
        return str(db.session.scalar(select(func.count()).select_from(Category))), 200

    return application


@pytest.fixture
def client(uow_app, committed_app):
    application = uow_app
    application.config["PROPAGATE_EXCEPTIONS"] = False  # the crash is the 500 page, as in production
    effects_run.clear()
    yield application.test_client()
    with application.app_context():
        db.session.execute(delete(Category).where(Category.slug.startswith(SLUG)))
        db.session.commit()


def _committed(uow_app) -> set[str]:
    with uow_app.app_context():
        slugs = set(db.session.scalars(select(Category.slug).where(Category.slug.startswith(SLUG))))
        db.session.remove()
    return {slug.removeprefix(SLUG) for slug in slugs}


def _post(client, path):
    return client.post(path)


@pytest.fixture(autouse=True)
def no_csrf(uow_app):
    uow_app.config["WTF_CSRF_ENABLED"] = False  # the routes made here carry no form


def test_a_success_commits_once_and_then_runs_the_effects(client, uow_app):
    assert _post(client, "/uow/ok").status_code == 200
    assert _committed(uow_app) == {"ok"} and effects_run == ["ok"]


@pytest.mark.parametrize("path, status", [("/uow/refused-page", 422), ("/uow/domain-error", 422),
                                          ("/uow/abort", 403), ("/uow/crash", 500)])
def test_a_refusal_an_error_or_a_crash_rolls_back_and_runs_no_effect(client, uow_app, path, status):
    assert _post(client, path).status_code == status
    assert _committed(uow_app) == set() and effects_run == []


def test_keep_on_refusal_commits_a_refusal(client, uow_app):
    assert _post(client, "/uow/keep").status_code == 422
    assert _committed(uow_app) == {"keep"}


def test_discard_rolls_back_a_success(client, uow_app):
    assert _post(client, "/uow/discard").status_code == 200
    assert _committed(uow_app) == set() and effects_run == []


def test_attempt_rolls_the_unit_back_before_the_view_renders_the_refusal(client, uow_app):
    response = _post(client, "/uow/attempt")
    assert response.status_code == 422 and response.get_data(as_text=True) == "refused; the page sees 0"
    assert _committed(uow_app) == set()


def test_a_commit_the_database_refuses_is_a_500_not_a_success(client, uow_app):
    assert _post(client, "/uow/commit-fails").status_code == 500
    assert _committed(uow_app) == set() and effects_run == []
    assert client.get("/uow/read").status_code == 200  # the worker's session recovered


def test_a_job_or_command_commits_its_transaction_or_rolls_it_back(uow_app, committed_app):
    with uow_app.app_context():
        with unit_of_work.transaction():
            _add("job")
        with pytest.raises(ValidationFailed):
            with unit_of_work.transaction():
                _add("failed-job")
                _refuse()
        db.session.remove()
    assert _committed(uow_app) == {"job"}
