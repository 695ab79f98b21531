"""Custom Lambda runtimes on non-AWS bases: finding LF009."""

from __future__ import annotations

import csv
from pathlib import Path

import pytest

from lambda_fix import Options, Status, fix_text

CORPUS = Path(__file__).resolve().parents[2] / "shared" / "corpus"
FIX = Options(include_custom_runtimes=True)


def _corpus_files(families: set[str]) -> list[tuple[str, Path, str]]:
    sources = CORPUS / "SOURCES.tsv"
    if not sources.is_file():
        return []
    cases = []
    with sources.open(encoding="utf-8") as stream:
        for row in csv.DictReader(stream, delimiter="\t"):
            if row["family"] not in families:
                continue
            matches = sorted(CORPUS.glob(f"{row['id']}.*"))
            if matches:
                cases.append((row["id"], matches[0], row["features"]))
    return cases


CUSTOM = _corpus_files({"ric", "adapter"})


@pytest.mark.skipif(not CORPUS.is_dir(), reason=f"corpus not found at {CORPUS}")
def test_corpus_has_all_custom_runtime_files() -> None:
    assert len(CUSTOM) == 21


@pytest.mark.skipif(not CUSTOM, reason=f"corpus not found at {CORPUS}")
@pytest.mark.parametrize(
    ("case_id", "path", "features"), CUSTOM, ids=[case[0] for case in CUSTOM]
)
def test_corpus_custom_runtime(case_id: str, path: Path, features: str) -> None:
    data = path.read_bytes()

    default = fix_text(data)
    assert default.status is Status.SKIPPED
    assert [finding.code for finding in default.findings] == ["LF009"]
    assert "--include-custom-runtimes" in default.reason
    assert default.output == data

    included = fix_text(data, FIX)
    tags = set(features.split(","))
    if "has-user" in tags and "final-user-root" not in tags:
        # The image already runs as a named non-root user.
        assert included.status is Status.UNCHANGED
    else:
        assert included.status is Status.FIXED
        assert b"USER 1001:1001" in included.output
    assert included.findings[0].code == "LF009"


@pytest.mark.skipif(not CORPUS.is_dir(), reason=f"corpus not found at {CORPUS}")
def test_corpus_not_lambda_has_no_custom_runtime() -> None:
    for case_id, path, _ in _corpus_files({"not-lambda"}):
        result = fix_text(path.read_bytes(), FIX)
        codes = [finding.code for finding in result.findings]
        assert "LF009" not in codes, case_id


RIC = b"""\
FROM python:3.12-slim
RUN pip install --target /function awslambdaric
ENTRYPOINT ["/usr/local/bin/python", "-m", "awslambdaric"]
CMD ["app.handler"]
"""


def test_ric_reported_and_fixed() -> None:
    skipped = fix_text(RIC)
    assert skipped.status is Status.SKIPPED
    assert skipped.findings[0].line == 2
    assert "awslambdaric" in skipped.findings[0].message

    fixed = fix_text(RIC, FIX)
    assert fixed.status is Status.FIXED
    assert fixed.output.splitlines()[2] == b"USER 1001:1001"


def test_web_adapter_message_names_ecs() -> None:
    data = (
        b"FROM node:22-slim\n"
        b"COPY --from=public.ecr.aws/awsguru/aws-lambda-adapter:0.9.1 "
        b"/lambda-adapter /opt/extensions/lambda-adapter\n"
        b'CMD ["node", "index.js"]\n'
    )
    message = fix_text(data).findings[0].message
    assert "Lambda Web Adapter" in message
    assert "ECS" in message
    assert "App Runner" in message


def test_adapter_wins_over_file_layout() -> None:
    data = (
        b"FROM node:22-slim\n"
        b"WORKDIR /var/task\n"
        b"COPY --from=public.ecr.aws/awsguru/aws-lambda-adapter:0.9.1 "
        b"/lambda-adapter /opt/extensions/lambda-adapter\n"
        b'CMD ["node", "index.js"]\n'
    )
    finding = fix_text(data).findings[0]
    assert finding.line == 3
    assert "Web Adapter" in finding.message


@pytest.mark.parametrize(
    "line",
    [
        b"RUN npm install aws-lambda-ric",
        b"RUN gem install aws_lambda_ric",
        b"RUN mvn dependency:get -Dartifact=com.amazonaws:"
        b"aws-lambda-java-runtime-interface-client:2.4.1",
        b"RUN dotnet add package Amazon.Lambda.RuntimeSupport",
        b'ENTRYPOINT ["/usr/local/bin/aws-lambda-rie", "/main"]',
        b"RUN go get github.com/aws/aws-lambda-go/lambda",
        b"RUN cargo lambda build --release",
    ],
    ids=["npm", "gem", "maven", "nuget", "rie", "go", "rust"],
)
def test_client_names_detected(line: bytes) -> None:
    data = b"FROM debian:bookworm\n" + line + b'\nCMD ["app"]\n'
    result = fix_text(data)
    assert result.status is Status.SKIPPED
    assert [finding.code for finding in result.findings] == ["LF009"]


def test_comments_are_not_signs() -> None:
    data = b'FROM python:3.12\n# RUN pip install awslambdaric\nCMD ["app"]\n'
    result = fix_text(data)
    assert result.status is Status.SKIPPED
    assert result.findings == ()


def test_unbuilt_stage_is_not_a_sign() -> None:
    data = (
        b"FROM golang:1.23 AS lambda\n"
        b"RUN go get github.com/aws/aws-lambda-go/lambda\n"
        b"FROM gcr.io/distroless/static AS app\n"
        b'ENTRYPOINT ["/app"]\n'
    )
    assert fix_text(data).findings == ()


def test_copied_stage_is_a_sign() -> None:
    data = (
        b"FROM node:20 AS build\n"
        b"RUN npm install aws-lambda-ric\n"
        b"FROM node:20-slim\n"
        b"COPY --from=build /app /app\n"
        b'CMD ["app.handler"]\n'
    )
    assert [f.code for f in fix_text(data).findings] == ["LF009"]


def test_declared_lambda_needs_no_flag() -> None:
    result = fix_text(RIC, Options(declared_lambda=True))
    assert result.status is Status.FIXED
    assert [finding.code for finding in result.findings] == ["LF001"]


@pytest.mark.parametrize(
    "base",
    [
        "public.ecr.aws/sam/build-python3.12",
        "public.ecr.aws/sam/build-nodejs20.x:latest",
        "amazon/aws-sam-cli-build-image-python3.8",
    ],
)
def test_sam_build_image_reason(base: str) -> None:
    data = f"FROM {base}\nRUN pip install -r requirements.txt\n".encode()
    result = fix_text(data)
    assert result.status is Status.SKIPPED
    assert "AWS SAM build image" in result.reason
