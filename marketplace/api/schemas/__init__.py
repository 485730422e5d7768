"""Request and response models of the JSON API (pydantic v2), one module per area.

The same classes validate requests (spectree) and describe the OpenAPI document.
This module holds the shared pieces.
"""
from pydantic import BaseModel, ConfigDict, Field


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
