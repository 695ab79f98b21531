"""Session fixtures for the tiers that run real scanners and real builds."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from tests.integration.containers import (
    Buildah,
    build_stand_in_bases,
    unavailable_reason,
)


@pytest.fixture(scope="session")
def buildah(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Buildah]:
    """A buildah on a fresh storage root, with the stand-in Lambda bases."""
    reason = unavailable_reason()
    if reason:
        pytest.skip(reason)
    workdir = tmp_path_factory.mktemp("buildah")
    tool = Buildah(workdir)
    build_stand_in_bases(tool, workdir)
    yield tool
