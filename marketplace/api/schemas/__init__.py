"""Request and response models of the JSON API (pydantic v2), one module per area.

The same classes validate requests (spectree) and describe the OpenAPI document.
This module holds the shared pieces.
"""
from pydantic import BaseModel, ConfigDict


class ApiModel(BaseModel):
    model_config = ConfigDict(from_attributes=True, extra="forbid")


class CsrfOut(ApiModel):
    csrf_token: str


class ErrorBody(ApiModel):
    code: str
    message: str
    fields: dict[str, str] | None = None


class ErrorOut(ApiModel):
    error: ErrorBody
