"""Directory walks: Dockerfile names, exclude patterns and sorting."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from lambda_fix.discover import (
    DEFAULT_EXCLUDES,
    Selection,
    find_files,
    is_dockerfile_name,
)

NO_GIT = Selection(respect_gitignore=False)


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        ("Dockerfile", True),
        ("dockerfile", True),
        ("DOCKERFILE", True),
        ("Containerfile", True),
        ("Dockerfile.prod", True),
        ("containerfile.arm64", True),
        ("api.Dockerfile", True),
        ("worker.containerfile", True),
        ("Dockerfile.dockerignore", False),
        ("api.Dockerfile.dockerignore", False),
        (".dockerignore", False),
        ("Dockerfiles", False),
        ("mydockerfile", False),
        ("docker-compose.yml", False),
    ],
)
def test_dockerfile_names(name: str, expected: bool) -> None:
    assert is_dockerfile_name(name) is expected


def _tree(root: Path, names: list[str]) -> None:
    for name in names:
        path = root / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text("FROM scratch\n")


def _relative(root: Path, paths: list[Path]) -> list[str]:
    return [path.relative_to(root).as_posix() for path in paths]


def test_walk_skips_default_excludes(tmp_path: Path) -> None:
    _tree(
        tmp_path, ["Dockerfile", *(f"{name}/Dockerfile" for name in DEFAULT_EXCLUDES)]
    )
    found = find_files([tmp_path], NO_GIT)
    assert _relative(tmp_path, found.dockerfiles) == ["Dockerfile"]


def test_directory_named_dockerfile_is_walked(tmp_path: Path) -> None:
    _tree(tmp_path, ["Dockerfile.d/Containerfile", "x.dockerignore"])
    found = find_files([tmp_path], NO_GIT)
    assert _relative(tmp_path, found.dockerfiles) == ["Dockerfile.d/Containerfile"]


def test_exclude_replaces_defaults(tmp_path: Path) -> None:
    _tree(tmp_path, ["node_modules/Dockerfile", "legacy/Dockerfile", "Dockerfile"])
    found = find_files(
        [tmp_path], Selection(excludes=("legacy",), respect_gitignore=False)
    )
    assert _relative(tmp_path, found.dockerfiles) == [
        "Dockerfile",
        "node_modules/Dockerfile",
    ]


def test_extend_exclude_keeps_defaults(tmp_path: Path) -> None:
    _tree(tmp_path, ["node_modules/Dockerfile", "legacy/Dockerfile", "Dockerfile"])
    selection = Selection(
        excludes=(*DEFAULT_EXCLUDES, "legacy"), respect_gitignore=False
    )
    found = find_files([tmp_path], selection)
    assert _relative(tmp_path, found.dockerfiles) == ["Dockerfile"]


def test_exclude_with_slash_is_relative(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    _tree(tmp_path, ["a/test/Dockerfile", "b/test/Dockerfile"])
    monkeypatch.chdir(tmp_path)
    selection = Selection(excludes=("a/test/",), respect_gitignore=False)
    found = find_files([Path(".")], selection)
    assert _relative(Path("."), found.dockerfiles) == ["b/test/Dockerfile"]


def test_named_files_kept_without_force_exclude(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    _tree(tmp_path, ["cdk.out/Dockerfile", "app/Dockerfile"])
    monkeypatch.chdir(tmp_path)
    named = [Path("cdk.out/Dockerfile"), Path("app/Dockerfile")]

    found = find_files(named, NO_GIT)
    assert found.dockerfiles == [Path("app/Dockerfile"), Path("cdk.out/Dockerfile")]

    forced = find_files(named, Selection(respect_gitignore=False, force_exclude=True))
    assert forced.dockerfiles == [Path("app/Dockerfile")]


def test_force_exclude_named_directory(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    _tree(tmp_path, ["node_modules/pkg/Dockerfile", "app/Dockerfile"])
    monkeypatch.chdir(tmp_path)
    named = [Path("node_modules"), Path("app")]

    found = find_files(named, NO_GIT)
    assert len(found.dockerfiles) == 2

    forced = find_files(named, Selection(respect_gitignore=False, force_exclude=True))
    assert forced.dockerfiles == [Path("app/Dockerfile")]


def test_missing_paths_reported(tmp_path: Path) -> None:
    found = find_files([tmp_path / "nope"], NO_GIT)
    assert found.missing == [str(tmp_path / "nope")]


def test_output_sorted_by_path(tmp_path: Path) -> None:
    names = [
        "b/Dockerfile",
        "a-b/Dockerfile",
        "a/z/Dockerfile",
        "a/Dockerfile",
        "Z.dockerfile",
    ]
    _tree(tmp_path, names)
    found = find_files([tmp_path], NO_GIT)
    assert _relative(tmp_path, found.dockerfiles) == [
        "Z.dockerfile",
        "a/Dockerfile",
        "a/z/Dockerfile",
        "a-b/Dockerfile",
        "b/Dockerfile",
    ]


def test_infra_files_found(tmp_path: Path) -> None:
    _tree(
        tmp_path,
        [
            "sam/template.yaml",
            "sls/serverless.yml",
            "cdk/cdk.json",
            "cdk/stacks/api.py",
            "scripts/tool.py",
        ],
    )
    found = find_files([tmp_path], NO_GIT)
    # Python files outside a CDK app (no cdk.json above them) are not read.
    assert _relative(tmp_path, found.infra_files) == [
        "cdk/stacks/api.py",
        "sam/template.yaml",
        "sls/serverless.yml",
    ]


@pytest.mark.skipif(not hasattr(os, "symlink"), reason="no symbolic links")
def test_symlinked_directory_not_followed(tmp_path: Path) -> None:
    _tree(tmp_path, ["real/Dockerfile"])
    (tmp_path / "link").symlink_to(tmp_path / "real")
    found = find_files([tmp_path], NO_GIT)
    assert _relative(tmp_path, found.dockerfiles) == ["real/Dockerfile"]
