"""Suppression comments, select/ignore settings and foreign ignores."""

from __future__ import annotations

import pytest

from lambda_fix import Options, Status, fix_text

ROOT = b'FROM public.ecr.aws/lambda/python:3.12\nCMD ["app.handler"]\n'
UNRESOLVED = (
    b'FROM public.ecr.aws/lambda/python:3.12\nUSER $APP_USER\nCMD ["app.handler"]\n'
)
AMBIGUOUS = b"FROM public.ecr.aws/lambda/python:3.12\nRUN echo hi \\\n"


def with_comment(comment: bytes, data: bytes = ROOT) -> bytes:
    first, rest = data.split(b"\n", 1)
    return first + b"\n" + comment + b"\n" + rest


def test_file_ignore_skips_whole_file() -> None:
    result = fix_text(with_comment(b"# lambda-fix: ignore"))
    assert result.status is Status.SKIPPED
    assert "'# lambda-fix: ignore' on line 2" in result.reason
    assert result.findings == ()


def test_file_ignore_skips_invalid_file() -> None:
    result = fix_text(b"# lambda-fix: ignore\nFRUM x\n")
    assert result.status is Status.SKIPPED


def test_code_ignore_leaves_file_unchanged() -> None:
    data = with_comment(b"# lambda-fix: ignore=LF005, LF001")
    result = fix_text(data)
    assert result.status is Status.SKIPPED
    assert result.output == data
    assert "LF001 is ignored by '# lambda-fix: ignore=LF005, LF001'" in result.reason


def test_code_ignore_of_other_code_still_fixes() -> None:
    result = fix_text(with_comment(b"# lambda-fix: ignore=LF005"))
    assert result.status is Status.FIXED


def test_warning_ignore_drops_only_finding() -> None:
    assert [f.code for f in fix_text(UNRESOLVED).findings] == ["LF005"]
    result = fix_text(UNRESOLVED, Options(ignore=("LF005",)))
    assert result.status is Status.SKIPPED
    assert result.findings == ()


def test_ignore_prefix_matches_codes() -> None:
    result = fix_text(ROOT, Options(ignore=("LF00",)))
    assert result.status is Status.SKIPPED
    assert "ignore setting (LF00)" in result.reason


def test_select_excludes_other_codes() -> None:
    assert fix_text(ROOT, Options(select=("LF001",))).status is Status.FIXED
    result = fix_text(ROOT, Options(select=("LF005",)))
    assert result.status is Status.SKIPPED
    assert "not in the select setting" in result.reason


def test_ignored_refusal_becomes_skip() -> None:
    assert fix_text(AMBIGUOUS).status is Status.REFUSED
    result = fix_text(AMBIGUOUS, Options(ignore=("LF007",)))
    assert result.status is Status.SKIPPED
    assert [f.code for f in result.findings] == ["LF001"]


def test_heredoc_comment_is_not_a_suppression() -> None:
    data = (
        b"FROM public.ecr.aws/lambda/python:3.12\n"
        b"RUN <<EOF\n# lambda-fix: ignore\necho hi\nEOF\n"
        b'CMD ["app.handler"]\n'
    )
    assert fix_text(data).status is Status.FIXED


@pytest.mark.parametrize(
    "comment",
    [
        b"# checkov:skip=CKV_DOCKER_3:Lambda needs no user",
        b"#checkov:skip=CKV_DOCKER_8",
        b"# trivy:ignore:AVD-DS-0002",
        b"#trivy:ignore:DS002",
        b"# trivy:ignore:DS-0002",
        b"# trivy:ignore:AVD-DS-0002:exp:2999-01-01",
        b"# hadolint ignore=DL3008,DL3002",
        b"# hadolint global ignore=DL3002",
    ],
)
def test_foreign_suppression_skips(comment: bytes) -> None:
    data = with_comment(comment)
    result = fix_text(data)
    assert result.status is Status.SKIPPED
    assert "root is accepted by" in result.reason
    assert "--no-foreign-suppressions" in result.reason
    forced = fix_text(data, Options(foreign_suppressions=False))
    assert forced.status is Status.FIXED


@pytest.mark.parametrize(
    "comment",
    [
        b"# checkov:skip=CKV_DOCKER_2",
        b"# checkov:skip=CKV_DOCKER_30",
        b"# trivy:ignore:AVD-DS-0001",
        b"# trivy:ignore:AVD-DS-00021",
        b"# trivy:ignore:AVD-DS-0002:exp:2000-01-01",
        b"# hadolint ignore=DL3003",
    ],
)
def test_unrelated_foreign_comment_still_fixes(comment: bytes) -> None:
    assert fix_text(with_comment(comment)).status is Status.FIXED


def test_trivyignore_entry_skips() -> None:
    entry = "AVD-DS-0002 in /repo/.trivyignore (line 2)"
    result = fix_text(ROOT, Options(trivyignore_entry=entry))
    assert result.status is Status.SKIPPED
    assert entry in result.reason


def test_foreign_suppression_keeps_unchanged_status() -> None:
    data = with_comment(
        b"# checkov:skip=CKV_DOCKER_3", ROOT.replace(b"CMD", b"USER 1001\nCMD")
    )
    assert fix_text(data).status is Status.UNCHANGED
