"""Request and response models of the JSON API (pydantic v2), one module per area.

The same classes validate requests (spectree) and describe the OpenAPI document.
This module holds the shared pieces, among them the field types that apply the input rules
(services/core/input_rules.py) the web forms apply too: `one_line`/`multi_line` text (no control
characters or bidi overrides), `search_text`, and `whole`/`number` values within their
column's range, in ASCII digits when sent as strings (query strings always are; JSON may be,
and pydantic's lax mode reads numeric strings). tests/security/test_hostile_numbers.py and
test_hostile_text.py walk every input model to keep them in use.
"""
from datetime import datetime, timezone
from typing import Annotated, Any

from pydantic import AfterValidator, BaseModel, BeforeValidator, ConfigDict, Field

from marketplace.services.core.input_rules import (
    COUNT_MAX, digits_message, only_ascii_digits, strip_controls, text_problem,
)


def _one_line(value: str) -> str:
    problem = text_problem(value)
    if problem:
        raise ValueError(problem)
    return value


def _multi_line(value: str) -> str:
    problem = text_problem(value, multiline=True)
    if problem:
        raise ValueError(problem)
    return value


def _ascii_digits(value: Any) -> Any:
    if isinstance(value, str) and not only_ascii_digits(value):
        raise ValueError(digits_message())
    return value


def _in_utc(value: datetime) -> datetime:
    return value.astimezone(timezone.utc) if value.tzinfo else value.replace(tzinfo=timezone.utc)


# A moment, answered in UTC with its offset ("2026-12-06T07:05:00Z") whatever zone the database
# session handed it in: the pages show local times, API clients convert for their user.
Moment = Annotated[datetime, AfterValidator(_in_utc)]


# Factories rather than plain aliases: a constraint must come before the validator in the
# Annotated metadata, or pydantic checks it apart (worse messages, a malformed JSON schema).
def one_line(max_length: int | None = None, min_length: int | None = None):
    """Text on one line: no control characters (tabs, line breaks), no bidi controls."""
    return Annotated[str, Field(min_length=min_length, max_length=max_length), AfterValidator(_one_line)]


def multi_line(max_length: int | None = None):
    """Text that may have several lines (and tabs), and no other control or bidi characters."""
    return Annotated[str, Field(max_length=max_length), AfterValidator(_multi_line)]


def search_text(max_length: int | None = None, min_length: int | None = None):
    """Words to search for: control and bidi characters become spaces (a query is never stored)."""
    return Annotated[str, Field(min_length=min_length, max_length=max_length), BeforeValidator(strip_controls)]


def whole(ge: int = 0, le: int = COUNT_MAX):
    """A whole number within its column's range (COUNT_MAX, MONEY_MAX, ...): a larger one would be
    a database error. As a string, ASCII digits only."""
    return Annotated[int, Field(ge=ge, le=le), BeforeValidator(_ascii_digits)]


def number(ge: float, le: float):
    """A number within [ge, le] (NaN and infinities are out); as a string, ASCII digits only."""
    return Annotated[float, Field(ge=ge, le=le, allow_inf_nan=False), BeforeValidator(_ascii_digits)]


class ApiModel(BaseModel):
    model_config = ConfigDict(from_attributes=True, extra="forbid")


class CsrfOut(ApiModel):
    csrf_token: str


class ErrorBody(ApiModel):
    code: str = Field(description="Stable, for programs: e.g. validation_error, unverified, rate_limited")
    message: str = Field(description="For people")
    fields: dict[str, str] = Field(description="The message of each input at fault; {} when none is")


class ErrorOut(ApiModel):
    error: ErrorBody
