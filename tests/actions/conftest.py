import pytest

from tests import factories


@pytest.fixture
def actions_world(full_world):
    """``full_world`` with a recommendation adopted by an assembly of the cycle and actions."""
    factories.build_actions(full_world)
    return full_world
