import pytest

from tests.conftest import world_of


@pytest.fixture
def actions_world(request, full_world):
    """``full_world`` with a recommendation adopted by an assembly of the cycle and actions
    (``factories.build_actions``, built once per worker: ``WORLDS`` in tests/conftest.py)."""
    return world_of(request)
