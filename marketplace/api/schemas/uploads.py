"""File fields of the few API bodies that are multipart/form-data (see api/errors.py takes_files).

An uploaded file is a werkzeug FileStorage; the OpenAPI document shows it as a binary string,
which is how OpenAPI describes a file part. Its content is checked by services/core/images.py
(Pillow), never here: these types only make sure a file, not a text field, arrived.
"""
from typing import Annotated, Any

from flask_babel import gettext as _
from pydantic import PlainValidator, ValidationError, WithJsonSchema, model_validator
from werkzeug.datastructures import FileStorage

from marketplace.api.schemas import ApiModel

BINARY = {"type": "string", "format": "binary"}


def _one_file(value: Any) -> FileStorage:
    if isinstance(value, list):
        raise ValueError(_("Send one file here."))
    if not isinstance(value, FileStorage):
        raise ValueError(_("Attach an image file here (multipart/form-data), not text."))
    return value


def _files(value: Any) -> list[FileStorage]:
    """spectree passes one part as a value and several as a list: a list either way. Checked
    as a whole, so an error names the field (`images`), as the service's own errors do."""
    files = value if isinstance(value, list) else [value]
    if not all(isinstance(item, FileStorage) for item in files):
        raise ValueError(_("Attach an image file here (multipart/form-data), not text."))
    return files


UploadedFile = Annotated[Any, PlainValidator(_one_file), WithJsonSchema(BINARY)]
UploadedFiles = Annotated[list[Any], PlainValidator(_files),
                          WithJsonSchema({"type": "array", "items": BINARY, "minItems": 1})]


class FilesIn(ApiModel):
    """The base of a multipart body model (spec.validate(form=...)).

    spectree answers a body that breaks its model by putting pydantic's errors, inputs
    included, through jsonify, and an uploaded file is not JSON: a misnamed or extra file
    part would be a 500. So the error is turned into the API's own 422 (RequestInvalid,
    which keeps only field names and messages) before spectree sees it.
    """

    @model_validator(mode="wrap")
    @classmethod
    def _our_error(cls, data: Any, handler):
        from marketplace.api.errors import RequestInvalid  # api.errors imports the blueprint

        try:
            return handler(data)
        except ValidationError as error:
            raise RequestInvalid.from_pydantic(error) from None


def read_all(files: list[FileStorage]) -> list[bytes]:
    return [upload.read() for upload in files]
