"""Reading Lambda image declarations from CDK, SAM and Serverless files."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

from lambda_fix.iac import Declarations, cdk, read_declarations
from lambda_fix.iac.serverless import target_from_options
from lambda_fix.pool import Pool


def _write(path: Path, text: str) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(textwrap.dedent(text))
    return path


def _cdk(tmp_path: Path, body: str) -> Declarations:
    (tmp_path / "cdk.json").write_text("{}")
    source = _write(tmp_path / "stacks" / "api.py", body)
    return read_declarations([source])


# --- AWS CDK ---------------------------------------------------------------

CDK_CASES = [
    (
        "module-alias-literal",
        """
        from aws_cdk import aws_lambda as _lambda
        _lambda.DockerImageFunction(self, "F",
            code=_lambda.DockerImageCode.from_image_asset("lambda/orders"))
        """,
        "lambda/orders/Dockerfile",
    ),
    (
        "import-as",
        """
        import aws_cdk.aws_lambda as lambda_
        lambda_.DockerImageCode.from_image_asset(directory="svc", file="api.Dockerfile")
        """,
        "svc/api.Dockerfile",
    ),
    (
        "class-import",
        """
        from aws_cdk.aws_lambda import DockerImageCode as Code
        Code.from_image_asset("svc")
        """,
        "svc/Dockerfile",
    ),
    (
        "os-path-join-dirname",
        """
        import os
        from aws_cdk.aws_lambda import DockerImageCode
        DockerImageCode.from_image_asset(
            os.path.join(os.path.dirname(__file__), "..", "services", "a"))
        """,
        "services/a/Dockerfile",
    ),
    (
        "pathlib-divide",
        """
        from pathlib import Path
        from aws_cdk.aws_lambda import DockerImageCode
        HERE = Path(__file__).parent
        DockerImageCode.from_image_asset(str(HERE / ".." / "services" / "b"))
        """,
        "services/b/Dockerfile",
    ),
    (
        "pathlib-joinpath",
        """
        import pathlib
        from aws_cdk.aws_lambda import DockerImageCode
        def build():
            folder = pathlib.Path(__file__).resolve().parent.joinpath("..", "c")
            return DockerImageCode.from_image_asset(str(folder))
        """,
        "c/Dockerfile",
    ),
    (
        "code-from-asset-image",
        """
        from aws_cdk import aws_lambda
        aws_lambda.Code.from_asset_image("d", file="Dockerfile.lambda")
        """,
        "d/Dockerfile.lambda",
    ),
    (
        "constant-defined-after-use",
        """
        from aws_cdk.aws_lambda import DockerImageCode
        def make():
            return DockerImageCode.from_image_asset(FOLDER)
        FOLDER = "late"
        """,
        "late/Dockerfile",
    ),
]


@pytest.mark.parametrize(
    ("case_id", "body", "dockerfile"), CDK_CASES, ids=[c[0] for c in CDK_CASES]
)
def test_cdk_resolves(tmp_path: Path, case_id: str, body: str, dockerfile: str) -> None:
    found = _cdk(tmp_path, body)
    assert found.unresolved == []
    assert [image.dockerfile for image in found.images] == [tmp_path / dockerfile]
    assert found.images[0].tool == "cdk"
    assert found.images[0].used_by_sam is False


def test_cdk_target_and_build_args(tmp_path: Path) -> None:
    found = _cdk(
        tmp_path,
        """
        from aws_cdk import aws_lambda as _lambda
        VERSION = "3.12"
        _lambda.DockerImageCode.from_image_asset(
            "svc",
            target="runtime",
            build_args={"PYTHON": VERSION, "MODE": "prod"},
        )
        """,
    )
    image = found.images[0]
    assert image.target == "runtime"
    assert image.build_args == {"PYTHON": "3.12", "MODE": "prod"}
    assert image.line == 4


UNRESOLVED = [
    ("reassigned-name", 'D = "a"\nD = "b"\nDockerImageCode.from_image_asset(D)\n'),
    ("f-string", 'n = 1\nDockerImageCode.from_image_asset(f"svc{n}")\n'),
    ("context", 'DockerImageCode.from_image_asset(app.node.try_get_context("d"))\n'),
    ("parameter", "def f(d):\n    return DockerImageCode.from_image_asset(d)\n"),
    (
        "parameter-shadows-constant",
        'D = "a"\ndef f(D):\n    return DockerImageCode.from_image_asset(D)\n',
    ),
    (
        "loop-variable",
        'for d in ["a", "b"]:\n    DockerImageCode.from_image_asset(d)\n',
    ),
    ("build-args-variable", 'DockerImageCode.from_image_asset("s", build_args=ARGS)\n'),
]


@pytest.mark.parametrize(
    ("case_id", "body"), UNRESOLVED, ids=[c[0] for c in UNRESOLVED]
)
def test_cdk_unresolved_reported(tmp_path: Path, case_id: str, body: str) -> None:
    found = _cdk(tmp_path, "from aws_cdk.aws_lambda import DockerImageCode\n" + body)
    assert found.images == []
    assert len(found.unresolved) == 1
    note = found.unresolved[0]
    assert note.source == tmp_path / "stacks" / "api.py"
    # The call is on the last line, after the import line.
    assert note.line == body.count("\n") + 1


def test_cdk_bundling_images_noted(tmp_path: Path) -> None:
    found = _cdk(
        tmp_path,
        """
        from aws_cdk import BundlingOptions, DockerImage
        from aws_cdk import aws_lambda as _lambda
        _lambda.Code.from_asset(
            "src",
            bundling=BundlingOptions(image=DockerImage.from_build("tools/bundler")),
        )
        _lambda.DockerImageCode.from_image_asset("svc")
        """,
    )
    assert [image.dockerfile for image in found.images] == [
        tmp_path / "svc" / "Dockerfile"
    ]
    messages = " ".join(note.message for note in found.notes)
    assert "bundling" in messages
    assert "DockerImage.from_build" in messages


def test_cdk_skips_files_without_marker(tmp_path: Path) -> None:
    source = _write(tmp_path / "app.py", "import aws_cdk\nprint('no images')\n")
    script = (
        "import sys\n"
        "from pathlib import Path\n"
        "from lambda_fix.iac.cdk import read_python_files\n"
        f"read_python_files([Path({str(source)!r})])\n"
        "assert 'libcst' not in sys.modules, 'libcst was imported'\n"
    )
    subprocess.run([sys.executable, "-c", script], check=True)


def test_cdk_syntax_error_reported(tmp_path: Path) -> None:
    found = _cdk(tmp_path, "from_image_asset(\n")
    assert found.images == []
    assert "cannot parse" in found.unresolved[0].message


_parse = cdk.parse


def _abort_on_crash_py(path: Path, data: bytes) -> Declarations:
    if path.name == "crash.py":
        os.kill(os.getpid(), signal.SIGKILL)
    return _parse(path, data)


@pytest.mark.skipif(
    not sys.platform.startswith("linux"),
    reason="only forked workers run the stand-in parser; Linux forks them",
)
def test_cdk_parser_crash_costs_one_file(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A parser that kills its process loses one file, not the run."""
    (tmp_path / "cdk.json").write_text("{}")
    paths = [
        _write(tmp_path / "a.py", "DockerImageCode.from_image_asset('a')\n"),
        _write(tmp_path / "crash.py", "DockerImageCode.from_image_asset('b')\n"),
        _write(tmp_path / "z.py", "DockerImageCode.from_image_asset('z')\n"),
    ]
    # The workers fork after this, so they run the stand-in.
    monkeypatch.setattr(cdk, "parse", _abort_on_crash_py)
    with Pool(2) as pool:
        found = read_declarations(paths, cdk.PythonReader(pool))
    assert [image.dockerfile.parent.name for image in found.images] == ["a", "z"]
    assert [(note.source.name, note.message) for note in found.unresolved] == [
        ("crash.py", "not read: the Python parser (libcst) crashed on it")
    ]


# --- AWS SAM ---------------------------------------------------------------

SAM_TEMPLATE = """\
AWSTemplateFormatVersion: "2010-09-09"
Transform: AWS::Serverless-2016-10-31
Resources:
  Api:
    Type: AWS::Serverless::Function
    Properties:
      PackageType: Image
      FunctionName: !Sub "${AWS::StackName}-api"
      Role: !GetAtt Role.Arn
      Events:
        Get:
          Type: Api
          Properties:
            RestApiId: !Ref Rest
      Tracing: !If [Prod, Active, PassThrough]
    Metadata:
      DockerContext: ./api
      Dockerfile: Dockerfile.lambda
      DockerBuildTarget: runtime
      DockerBuildArgs:
        NODE_VERSION: 20
        SECRET: !Ref Secret
  Zip:
    Type: AWS::Serverless::Function
    Properties:
      Runtime: python3.12
      Handler: app.handler
  Prebuilt:
    Type: AWS::Serverless::Function
    Properties:
      PackageType: Image
      ImageUri: 123456789012.dkr.ecr.eu-west-1.amazonaws.com/app:1
  Dynamic:
    Type: AWS::Serverless::Function
    Properties:
      PackageType: Image
    Metadata:
      DockerContext: !Sub "${Stage}/svc"
"""


def test_sam_template_with_tags(tmp_path: Path) -> None:
    template = _write(tmp_path / "template.yaml", SAM_TEMPLATE)
    found = read_declarations([template])

    assert len(found.images) == 1
    image = found.images[0]
    assert image.dockerfile == tmp_path / "api" / "Dockerfile.lambda"
    assert image.target == "runtime"
    assert image.build_args == {"NODE_VERSION": "20"}
    assert image.line == 4
    assert image.tool == "sam"
    assert image.used_by_sam is True

    assert [(note.line, "Dynamic" in note.message) for note in found.unresolved] == [
        (33, True)
    ]
    assert any("Prebuilt" in note.message for note in found.notes)


def test_sam_json_template(tmp_path: Path) -> None:
    document = {
        "Resources": {
            "Fn": {
                "Type": "AWS::Serverless::Function",
                "Properties": {"PackageType": "Image"},
                "Metadata": {"DockerContext": "fn"},
            }
        }
    }
    template = _write(tmp_path / "template.json", json.dumps(document, indent=2))
    found = read_declarations([template])
    assert [image.dockerfile for image in found.images] == [
        tmp_path / "fn" / "Dockerfile"
    ]
    assert found.images[0].line == 3


def test_sam_invalid_yaml_reported(tmp_path: Path) -> None:
    template = _write(tmp_path / "template.yml", "Resources: [\n")
    found = read_declarations([template])
    assert found.images == []
    assert "cannot read SAM template" in found.unresolved[0].message


# --- Serverless Framework ----------------------------------------------------

SERVERLESS = """\
service: app
provider:
  name: aws
  stage: ${opt:stage, 'dev'}
  ecr:
    images:
      worker:
        path: ./worker
        file: worker.build
        buildArgs:
          NODE_VERSION: "20"
        buildOptions: ["--target", "final"]
      api:
        path: api
      remote:
        uri: 123456789012.dkr.ecr.eu-west-1.amazonaws.com/app@sha256:abc
      staged:
        path: ${self:custom.dir}
"""


def test_serverless_images(tmp_path: Path) -> None:
    config = _write(tmp_path / "serverless.yml", SERVERLESS)
    found = read_declarations([config])
    assert [(i.dockerfile, i.target, i.line) for i in found.images] == [
        (tmp_path / "worker" / "worker.build", "final", 7),
        (tmp_path / "api" / "Dockerfile", None, 13),
    ]
    assert found.images[0].build_args == {"NODE_VERSION": "20"}
    assert found.images[0].tool == "serverless"
    assert [note.line for note in found.unresolved] == [17]


@pytest.mark.parametrize(
    ("options", "target"),
    [
        (["--target", "x"], "x"),
        (["--target=x"], "x"),
        ("--pull --target x", "x"),
        (["--pull"], None),
        (["--target"], None),
        (None, None),
    ],
)
def test_serverless_target_option(options: object, target: str | None) -> None:
    assert target_from_options(options) == target
