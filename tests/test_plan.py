"""Per-file options from infrastructure declarations, and the entry point."""

from __future__ import annotations

import dataclasses
import shutil
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from lambda_fix.config import Resolver
from lambda_fix.discover import Selection
from lambda_fix.options import Options
from lambda_fix.plan import declared_options, make_plan, stream_plan

FIXTURE = Path(__file__).resolve().parents[1] / "fixtures" / "monorepo"


@pytest.fixture
def monorepo(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    root = tmp_path / "monorepo"
    shutil.copytree(FIXTURE, root)
    monkeypatch.chdir(root)
    return root


def _options(options: Options) -> dict[str, Options]:
    plan = make_plan([Path(".")], Selection())
    return {
        shown: declared_options(options, images) for _, shown, _, images, _ in plan.jobs
    }


def test_sam_declaration_sets_options(monorepo: Path) -> None:
    hello = _options(Options())["sam-app/hello/Dockerfile"]
    assert hello.declared_lambda is True
    assert hello.used_by_sam is True
    assert hello.build_args == {"BASE_IMAGE": "public.ecr.aws/lambda/nodejs:20"}
    assert hello.target is None


def test_cdk_declaration_sets_target(monorepo: Path) -> None:
    orders = _options(Options())["services/orders/Dockerfile"]
    assert orders.declared_lambda is True
    assert orders.used_by_sam is False
    assert orders.target == "runtime"
    assert orders.build_args == {"PYTHON_VERSION": "3.12"}


def test_command_line_values_win(monorepo: Path) -> None:
    given = Options(target="test", build_args={"PYTHON_VERSION": "3.13", "X": "1"})
    orders = _options(given)["services/orders/Dockerfile"]
    assert orders.target == "test"
    assert orders.build_args == {"PYTHON_VERSION": "3.13", "X": "1"}


def test_undeclared_files_keep_options(monorepo: Path) -> None:
    given = Options(user="2000:2000")
    web = _options(given)["web/Dockerfile"]
    assert web is given


def test_declared_custom_name_is_added(monorepo: Path) -> None:
    assert "sls/worker/lambda.build" in _options(Options())


def test_unresolved_declarations_are_data(monorepo: Path) -> None:
    plan = make_plan([Path(".")], Selection())
    unresolved = [(str(n.source), n.line) for n in plan.declarations.unresolved]
    assert unresolved == [("infra/cdk/stacks/api.py", 41)]


def test_version_skips_typer() -> None:
    script = (
        "import sys\n"
        "sys.argv = ['lambda-fix', '--version']\n"
        "from lambda_fix.entry import main\n"
        "main()\n"
        "assert 'typer' not in sys.modules, 'typer was imported'\n"
    )
    completed = subprocess.run(
        [sys.executable, "-c", script], capture_output=True, text=True, check=True
    )
    assert completed.stdout.startswith("lambda-fix ")


TWO_TARGETS = """\
Resources:
  ApiFunction:
    Type: AWS::Serverless::Function
    Properties:
      PackageType: Image
    Metadata:
      DockerContext: ./app
      Dockerfile: Dockerfile
      DockerBuildTarget: api
  WorkerFunction:
    Type: AWS::Serverless::Function
    Properties:
      PackageType: Image
    Metadata:
      DockerContext: ./app
      Dockerfile: Dockerfile
      DockerBuildTarget: worker
"""


def test_two_declared_targets_are_reported(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    (tmp_path / "template.yaml").write_text(TWO_TARGETS)
    (tmp_path / "app").mkdir()
    (tmp_path / "app" / "Dockerfile").write_text(
        "FROM public.ecr.aws/lambda/python:3.12 AS api\n"
        "FROM public.ecr.aws/lambda/python:3.12 AS worker\n"
    )
    monkeypatch.chdir(tmp_path)
    plan = make_plan([Path(".")], Selection())
    assert [str(note).split(": ", 1)[1] for note in plan.declarations.notes] == [
        "app/Dockerfile is declared 2 times with targets ['api', 'worker']; "
        "fixing target 'api' from this declaration"
    ]
    completed = subprocess.run(
        [sys.executable, "-m", "lambda_fix", "--check", "-v", "."],
        capture_output=True,
        text=True,
    )
    assert "is declared 2 times with targets ['api', 'worker']" in completed.stderr


def test_stream_plan_matches_list(
    monorepo: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Walking twice, lazily, finds what one walk with a list finds."""
    (monorepo / "custom" / "build.txt").write_text("FROM scratch\n")
    (monorepo / ".lambda-fix.toml").write_text(
        'include = ["custom/*.txt"]\nexclude = ["web/Dockerfile.lambda-edge"]\n'
    )
    (monorepo / ".git").mkdir()
    # A declared Dockerfile with the name of an infrastructure file.
    odd = monorepo / "odd"
    odd.mkdir()
    (odd / "template.yml").write_text("FROM public.ecr.aws/lambda/python:3.12\n")
    (monorepo / "template.yaml").write_text(
        "Resources:\n  Odd:\n    Type: AWS::Serverless::Function\n"
        "    Properties: {PackageType: Image}\n"
        "    Metadata: {DockerContext: ./odd, Dockerfile: template.yml}\n"
    )
    selection = dataclasses.replace(Selection(), settings=Resolver().for_directory)
    listed = make_plan([Path(".")], selection)
    streamed = stream_plan(Path("."), selection)
    assert isinstance(streamed.jobs, Iterator)
    assert list(streamed.jobs) == listed.jobs
    assert streamed.declarations == listed.declarations
    display_names = [job[1] for job in listed.jobs]
    assert "custom/build.txt" in display_names
    assert "sls/worker/lambda.build" in display_names
    assert "odd/template.yml" in display_names
    assert "web/Dockerfile.lambda-edge" not in display_names
    assert display_names == sorted(display_names, key=lambda name: name.split("/"))


def test_paths_sorted_as_shown_from_inside(tmp_path: Path) -> None:
    """Run from inside the tree, some paths are shown from there."""
    for directory in ("app", "app/b", "app/m", "app/z"):
        (tmp_path / directory).mkdir()
        (tmp_path / directory / "Dockerfile").write_text("FROM scratch\n")
    completed = subprocess.run(
        [sys.executable, "-m", "lambda_fix", "--show-files", "../../app"],
        cwd=tmp_path / "app" / "m",
        capture_output=True,
        text=True,
        check=True,
    )
    listed = completed.stdout.splitlines()
    assert listed == [
        "../../app/Dockerfile",
        "../../app/b/Dockerfile",
        "../../app/z/Dockerfile",
        "Dockerfile",
    ]
