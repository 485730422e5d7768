"""Fixtures of the security tests (helpers live in tests/security/support.py)."""
import pytest

from tests.security.support import make_world


@pytest.fixture
def world():
    """Two buyers, two sellers with a shop each, an admin and a product of shop A."""
    return make_world()
