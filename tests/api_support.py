"""Helpers for the JSON API's tests."""


def api_error(response, status: int | None = None, code: str | None = None) -> dict:
    """The error of an API answer, after checking its shape, `{"error": {"code", "message", "fields"}}`,
    and, when given, its status and its code."""
    if status is not None:
        assert response.status_code == status, response.get_data(as_text=True)
    assert response.mimetype == "application/json", response.mimetype
    body = response.get_json()
    assert set(body) == {"error"}, body
    error = body["error"]
    assert set(error) == {"code", "message", "fields"}, error
    assert isinstance(error["code"], str) and error["code"], error
    assert isinstance(error["message"], str) and error["message"], error
    assert isinstance(error["fields"], dict), error
    if code is not None:
        assert error["code"] == code, error
    return error
