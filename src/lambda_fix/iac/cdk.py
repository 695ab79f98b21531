"""Lambda images declared in AWS CDK apps written in Python.

`DockerImageCode.from_image_asset(directory, file=..., target=...,
build_args={...})` (and `Code.from_asset_image`) build a function image
from a Dockerfile. The code is parsed with libcst and never run, so only
values that are visible in the source are resolved: string literals,
`os.path.join`/`os.path.dirname` on literals and `__file__`, pathlib
joins on `Path(__file__).parent`, and names assigned exactly once from
such expressions. A relative directory is taken relative to the CDK app
directory (the nearest parent with cdk.json), where `cdk synth` runs.
"""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path

from lambda_fix.iac import Declarations

# Only files containing one of these are parsed: importing libcst alone
# takes about 150 ms, and a monorepo contains many unrelated Python files.
_MARKERS = (b"from_image_asset", b"from_asset_image")


def read_python_files(paths: Iterable[Path]) -> Declarations:
    """Read the Python files that mention an image asset; import libcst lazily."""
    found = Declarations()
    candidates = []
    for path in paths:
        try:
            data = path.read_bytes()
        except OSError:
            continue
        if any(marker in data for marker in _MARKERS):
            candidates.append((path, data))
    if not candidates:
        return found
    from lambda_fix.iac.cdk_parse import read_python_source

    for path, data in candidates:
        found.extend(read_python_source(path, data))
    return found
