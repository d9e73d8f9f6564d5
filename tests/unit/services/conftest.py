"""Service test fixtures; the definitions live in export_env.py and programme_fixtures.py."""

from tests.unit.services.export_env import export_env  # noqa: F401
from tests.unit.services.programme_fixtures import programme  # noqa: F401
