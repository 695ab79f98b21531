"""Session fixtures for the tiers that run real scanners and real builds."""

from __future__ import annotations

import os
import shutil
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
    built = build_stand_in_bases(tool, workdir)
    if not built.ok:
        message = f"buildah can't build images here: {built.output.strip()}"
        # CI installs and runs everything, so there a broken buildah fails.
        if os.environ.get("CI"):
            pytest.fail(message)
        pytest.skip(message)
    yield tool
    # vfs keeps a full copy of every layer, so drop the images after the run.
    shutil.rmtree(workdir, ignore_errors=True)
