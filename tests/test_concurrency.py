"""Two lambda-fix processes writing the same tree at the same time."""

from __future__ import annotations

import os
import re
import signal
import subprocess
from pathlib import Path

import pytest

from lambda_fix import run
from lambda_fix.batch import process_all
from lambda_fix.config import NO_SETTINGS
from lambda_fix.core import Result, Status, fix_text
from lambda_fix.files import FilePolicy
from lambda_fix.options import Options
from lambda_fix.pool import Pool
from lambda_fix.run import Mode
from tests.cli_process import lambda_fix_command, run_cli

TEMPLATES = (
    b'FROM public.ecr.aws/lambda/python:3.12\nCOPY app.py ./\nCMD ["app.handler"]\n',
    b"FROM public.ecr.aws/lambda/nodejs:20\r\nUSER root\r\nRUN npm ci\r\n",
    b"FROM public.ecr.aws/lambda/provided:al2023 AS build\nRUN make\n\n"
    b"FROM public.ecr.aws/lambda/provided:al2023\nCOPY --from=build /out /var\n",
    b"FROM python:3.12\nCMD python\n",
)
FILES = 150
ROUNDS = 6


def build_tree(root: Path) -> dict[Path, bytes]:
    originals = {}
    for number in range(FILES):
        path = root / f"service{number:03}" / "Dockerfile"
        path.parent.mkdir(parents=True)
        # Padding makes the files differ in size, so a torn write would show.
        data = TEMPLATES[number % len(TEMPLATES)] + b"# padding\n" * number
        path.write_bytes(data)
        originals[path] = data
    return originals


@pytest.mark.slow
def test_two_writers_never_tear_files(tmp_path: Path) -> None:
    for round_number in range(ROUNDS):
        root = tmp_path / f"round{round_number}"
        originals = build_tree(root)
        fixed = {path: fix_text(data).output for path, data in originals.items()}
        assert sum(fix_text(data).status is Status.FIXED for data in originals.values())

        command = [*lambda_fix_command(), "--write", "--quiet", "."]
        writers = [
            subprocess.Popen(
                command,
                cwd=root,
                stdout=subprocess.DEVNULL,
                stderr=subprocess.PIPE,
                text=True,
            )
            for _ in range(2)
        ]
        for writer in writers:
            _, stderr = writer.communicate(timeout=120)
            # 2 is allowed: a writer that finds a file already replaced by
            # the other one reports "changed on disk" and leaves it alone.
            assert writer.returncode in (0, 2), stderr
            for line in stderr.splitlines():
                assert "changed on disk" in line, stderr

        for path, original in originals.items():
            assert path.read_bytes() in (original, fixed[path]), path
        leftovers = [p for p in root.rglob("*") if p.name.endswith(".tmp")]
        assert leftovers == []

        again = run_cli("--write", ".", cwd=root)
        assert again.returncode == 0, again.stderr
        assert ": fixed:" not in again.stderr
        for path in originals:
            assert path.read_bytes() == fixed[path], path


def _fails_on_bad(data: bytes, options: Options | None = None) -> Result:
    if b"bad" in data:
        raise ValueError("boom")
    return fix_text(data, options)


@pytest.mark.parametrize("workers", [1, 2])
def test_internal_error_fails_one_file(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, workers: int
) -> None:
    """A bug met on one file is reported for it; the others are fixed."""
    jobs = []
    for index in range(450):
        path = tmp_path / f"{index:03d}.Dockerfile"
        comment = "# bad\n" if index == 7 else ""
        path.write_text(comment + "FROM public.ecr.aws/lambda/python:3.12\n")
        jobs.append((str(path), path.name, NO_SETTINGS, (), str(tmp_path)))
    # Forked workers run the stand-in too.
    monkeypatch.setattr(run, "fix_text", _fails_on_bad)
    with Pool(workers) as pool:
        outcomes = list(process_all(jobs, Mode.WRITE, pool, FilePolicy()))
    assert [outcome.path for outcome in outcomes] == [job[1] for job in jobs]
    failed = [outcome for outcome in outcomes if outcome.error]
    assert [outcome.path for outcome in failed] == ["007.Dockerfile"]
    assert failed[0].error.startswith("internal error (ValueError: boom)")
    assert sum(outcome.written for outcome in outcomes) == 449
    assert (tmp_path / "007.Dockerfile").read_text().startswith("# bad\n")


@pytest.mark.parametrize("signal_number", [signal.SIGTERM, signal.SIGINT])
def test_stopped_run_reports_every_write(tmp_path: Path, signal_number: int) -> None:
    """Stopped mid-run, no file is half written or fixed without a word."""
    for index in range(3000):
        directory = tmp_path / f"s{index:04d}"
        directory.mkdir()
        (directory / "Dockerfile").write_text(
            'FROM public.ecr.aws/lambda/python:3.12\nCMD ["app.handler"]\n'
        )

    process = subprocess.Popen(
        [*lambda_fix_command(), "--write", "."],
        cwd=tmp_path,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        start_new_session=True,
    )
    assert process.stderr is not None
    first = process.stderr.readline()

    # As CI cancellation and Ctrl-C do: the whole process group.
    os.killpg(process.pid, signal_number)
    # Read through the same buffered stream as readline did.
    rest = process.stderr.read()
    process.wait(timeout=60)
    errors = (first + rest).decode()

    assert process.returncode == 130, errors
    reported = set(re.findall(r"(s\d{4})/Dockerfile: fixed", errors))
    written = {
        path.parent.name
        for path in tmp_path.glob("*/Dockerfile")
        if "USER" in path.read_text()
    }
    assert reported == written
    assert not list(tmp_path.glob("*/.*.lambda-fix.tmp"))
