import pytest

from tests import factories


@pytest.fixture
def payroll_world(world):
    """``world`` with activities, clients and contracts (see ``factories.build_payroll``)."""
    factories.build_payroll(world)
    return world
