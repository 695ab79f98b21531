"""Where the fixtures and the external tools of the integration tiers live."""

from __future__ import annotations

from tests.corpus import CORPUS, ROOT

REPOSITORY = ROOT
FIXTURES = REPOSITORY / "fixtures"

__all__ = ["CORPUS", "FIXTURES", "REPOSITORY"]
