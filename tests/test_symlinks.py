"""Symbolic links through the real command line: never written through.

A pull request can replace a Dockerfile with a link to any file on the
machine that runs lambda-fix. These tests check that such a link is
skipped, that the file it points to is left alone, and that
--follow-internal-symlinks fixes only targets inside the tree.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.cli_process import run_cli

GOOD = b'FROM public.ecr.aws/lambda/python:3.12\nCMD ["app.handler"]\n'
GOOD_FIXED = (
    b'FROM public.ecr.aws/lambda/python:3.12\nUSER 1001:1001\nCMD ["app.handler"]\n'
)


@pytest.fixture
def layout(tmp_path: Path) -> Path:
    """A tree with a link inside it, a link out of it and a plain file."""
    tree = tmp_path / "tree"
    (tree / "real").mkdir(parents=True)
    (tree / "real" / "Dockerfile").write_bytes(GOOD)
    (tree / "inside.Dockerfile").symlink_to("real/Dockerfile")
    outside = tmp_path / "outside"
    outside.mkdir()
    (outside / "Dockerfile").write_bytes(GOOD)
    (tree / "outside.Dockerfile").symlink_to(outside / "Dockerfile")
    (tree / "linked-dir").symlink_to(outside)
    return tree


def stderr_line(stderr: str, name: str) -> str:
    lines = [line for line in stderr.splitlines() if line.startswith(f"{name}: ")]
    assert len(lines) == 1, stderr
    return lines[0]


@pytest.mark.parametrize(
    ("args", "status"),
    [((), 1), (("--check",), 1), (("--write",), 0)],
    ids=["diff", "check", "write"],
)
def test_links_skipped_by_default(
    layout: Path, args: tuple[str, ...], status: int
) -> None:
    """The exit status is what the real file alone would give."""
    run = run_cli(*args, ".", cwd=layout)

    assert run.returncode == status, run.stderr
    inside = stderr_line(run.stderr, "inside.Dockerfile")
    assert "skipped: is a symbolic link to" in inside
    assert "--follow-internal-symlinks" in inside
    outside = stderr_line(run.stderr, "outside.Dockerfile")
    assert "outside" in outside
    assert "never writes outside the tree" in outside
    assert (layout.parent / "outside" / "Dockerfile").read_bytes() == GOOD
    assert (layout / "inside.Dockerfile").is_symlink()
    assert (layout / "outside.Dockerfile").is_symlink()
    assert "linked-dir" not in run.stderr + run.stdout


def test_write_fixes_real_file_only(layout: Path) -> None:
    run = run_cli("--write", ".", cwd=layout)
    assert (layout / "real" / "Dockerfile").read_bytes() == GOOD_FIXED
    assert "real/Dockerfile: fixed:" in run.stderr


def test_follow_fixes_target_inside(layout: Path) -> None:
    run = run_cli(
        "--write", "--follow-internal-symlinks", "inside.Dockerfile", cwd=layout
    )

    assert run.returncode == 0, run.stderr
    assert "inside.Dockerfile: fixed:" in run.stderr
    assert (layout / "inside.Dockerfile").is_symlink()
    assert (layout / "real" / "Dockerfile").read_bytes() == GOOD_FIXED


def test_follow_still_skips_outside(layout: Path) -> None:
    run = run_cli("--write", "--follow-internal-symlinks", ".", cwd=layout)

    line = stderr_line(run.stderr, "outside.Dockerfile")
    assert "never writes outside the tree" in line
    assert (layout.parent / "outside" / "Dockerfile").read_bytes() == GOOD
    assert (layout / "outside.Dockerfile").is_symlink()


def test_linked_directory_given_by_name(layout: Path) -> None:
    """A file named through a linked directory is outside the tree too."""
    run = run_cli(
        "--write", "--follow-internal-symlinks", "linked-dir/Dockerfile", cwd=layout
    )

    line = stderr_line(run.stderr, "linked-dir/Dockerfile")
    assert "never writes outside the tree" in line
    assert run.returncode == 0
    assert (layout.parent / "outside" / "Dockerfile").read_bytes() == GOOD


def test_file_outside_cwd_given_by_name(layout: Path, tmp_path: Path) -> None:
    """A plain file named explicitly is fixed wherever it is."""
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    run = run_cli(
        "--write", str(layout.parent / "outside" / "Dockerfile"), cwd=elsewhere
    )

    assert run.returncode == 0, run.stderr
    assert (layout.parent / "outside" / "Dockerfile").read_bytes() == GOOD_FIXED


def test_dangling_link_skipped(tmp_path: Path) -> None:
    (tmp_path / "Dockerfile").symlink_to("missing")
    run = run_cli("--write", "--follow-internal-symlinks", ".", cwd=tmp_path)

    assert run.returncode == 0, run.stderr
    line = stderr_line(run.stderr, "Dockerfile")
    assert "does not exist" in line
    assert (tmp_path / "Dockerfile").is_symlink()
    assert not (tmp_path / "missing").exists()


def test_follow_reports_file_once(layout: Path) -> None:
    """A link and its target are one file, diffed under the target's name."""
    run = run_cli("--follow-internal-symlinks", ".", cwd=layout)

    assert run.returncode == 1, run.stderr
    assert run.stdout.count("+USER 1001:1001") == 1
    assert "--- a/real/Dockerfile\n+++ b/real/Dockerfile\n" in run.stdout
    assert "inside.Dockerfile: would fix:" in run.stderr
    assert "real/Dockerfile: would fix:" not in run.stderr
