import pytest

from tests.conftest import world_of


@pytest.fixture
def payroll_world(request, world):
    """``world`` with activities, clients and contracts (``factories.build_payroll``, built
    once per worker: ``WORLDS`` in tests/conftest.py)."""
    return world_of(request)
