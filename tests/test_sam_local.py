"""LF004: `sam local invoke` can't build its image on a non-root image."""

from __future__ import annotations

from lambda_fix import Options, Status, fix_text

SAM = Options(used_by_sam=True)


def lf004(data: bytes, options: Options = SAM) -> list[str]:
    return [f.message for f in fix_text(data, options).findings if f.code == "LF004"]


def test_not_used_by_sam_no_warning() -> None:
    data = b'FROM public.ecr.aws/lambda/python:3.12\nCMD ["app.handler"]\n'
    assert lf004(data, Options()) == []


def test_fixed_file_warned_at_from() -> None:
    data = b'FROM public.ecr.aws/lambda/python:3.12\nCMD ["app.handler"]\n'
    result = fix_text(data, SAM)
    assert result.status is Status.FIXED
    warnings = [f for f in result.findings if f.code == "LF004"]
    assert len(warnings) == 1
    assert warnings[0].line == 1
    message = warnings[0].message
    assert "runs as the added USER 1001:1001" in message
    assert "Permission denied" in message
    assert "docker run -p 9000:8080 IMAGE" in message
    assert "exclude this file" in message
    assert "#checkov:skip=CKV_DOCKER_3" in message


def test_root_user_suppression_names_ckv_docker_8() -> None:
    data = b'FROM public.ecr.aws/lambda/python:3.12\nUSER root\nCMD ["x.y"]\n'
    assert "#checkov:skip=CKV_DOCKER_8" in lf004(data)[0]


def test_custom_user_named() -> None:
    data = b'FROM public.ecr.aws/lambda/python:3.12\nCMD ["x.y"]\n'
    messages = lf004(data, Options(user="2000:2000", used_by_sam=True))
    assert "the added USER 2000:2000" in messages[0]


def test_existing_nonroot_user_warned_at_user() -> None:
    data = b'FROM public.ecr.aws/lambda/python:3.12\nUSER app\nCMD ["x.y"]\n'
    result = fix_text(data, SAM)
    assert result.status is Status.UNCHANGED
    warnings = [f for f in result.findings if f.code == "LF004"]
    assert [f.line for f in warnings] == [2]
    assert "USER app on line 2" in warnings[0].message


def test_unresolved_user_not_warned() -> None:
    data = b'FROM public.ecr.aws/lambda/python:3.12\nUSER $APP_USER\nCMD ["x.y"]\n'
    result = fix_text(data, SAM)
    assert result.status is Status.SKIPPED
    assert "LF004" not in [f.code for f in result.findings]


def test_non_lambda_not_warned() -> None:
    assert lf004(b'FROM python:3.12\nCMD ["python"]\n') == []
