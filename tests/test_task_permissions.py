"""LF003: files under the task root that Lambda's user can't read."""

from __future__ import annotations

import pytest

from lambda_fix import RULES, Options, Severity, fix_text
from lambda_fix.rules.task_permissions import OtherAccess, other_access

BASE = "FROM public.ecr.aws/lambda/python:3.12\n"


def lf003_messages(body: str, options: Options | None = None) -> list[str]:
    result = fix_text((BASE + body).encode(), options)
    return [f.message for f in result.findings if f.code == "LF003"]


@pytest.mark.parametrize(
    ("mode", "expected"),
    [
        ("600", OtherAccess(read=False, execute=False)),
        ("644", OtherAccess(read=True, execute=False)),
        ("0755", OtherAccess(read=True, execute=True)),
        ("4750", OtherAccess(read=False, execute=False)),
        ("o-r", OtherAccess(read=False, execute=None)),
        ("go-rwx", OtherAccess(read=False, execute=False)),
        ("-r", OtherAccess(read=False, execute=None)),
        ("a+rX", OtherAccess(read=True, execute=True)),
        ("u=rwx,go=", OtherAccess(read=False, execute=False)),
        ("o=rX", OtherAccess(read=True, execute=True)),
        ("+x", OtherAccess(read=None, execute=True)),
        ("u+x,g-w", OtherAccess(read=None, execute=None)),
        ("o-rwx,o+r", OtherAccess(read=True, execute=False)),
        ("o=u", OtherAccess(read=None, execute=None)),
    ],
)
def test_other_access_reads_mode(mode: str, expected: OtherAccess) -> None:
    assert other_access(mode) == expected


@pytest.mark.parametrize("mode", ["", "rw", "888", "u:rw", "--reference=x"])
def test_other_access_rejects_non_mode(mode: str) -> None:
    assert other_access(mode) is None


def test_rules_registered_as_warnings() -> None:
    assert RULES["LF003"].name == "unreadable-task-files"
    assert RULES["LF004"].name == "sam-local-breaks"
    assert RULES["LF003"].severity is Severity.WARNING
    assert RULES["LF004"].severity is Severity.WARNING


def test_copy_chmod_600_suggests_644() -> None:
    messages = lf003_messages('COPY --chmod=600 app.py ./\nCMD ["app.handler"]\n')
    assert len(messages) == 1
    assert messages[0].startswith("COPY --chmod=600 makes app.py")
    assert "Permission denied" in messages[0]
    assert messages[0].endswith("use --chmod=644")


def test_copy_chmod_700_file_suggests_755() -> None:
    messages = lf003_messages("COPY --chmod=700 run.sh /var/task/\n")
    assert messages[0].endswith("use --chmod=755")


def test_copy_directory_644_suggests_755() -> None:
    messages = lf003_messages("COPY --chmod=644 src/ ${LAMBDA_TASK_ROOT}/\n")
    assert len(messages) == 1
    assert "directories copied from src/" in messages[0]
    assert messages[0].endswith("use --chmod=755")


def test_copy_chown_named_in_message() -> None:
    messages = lf003_messages("COPY --chown=1001:1001 --chmod=640 app.py ./\n")
    assert "--chown=1001:1001 does not help" in messages[0]
    assert messages[0].endswith("use --chmod=644")


def test_copy_json_form_checked() -> None:
    messages = lf003_messages('COPY --chmod=600 ["app.py", "/var/task/"]\n')
    assert len(messages) == 1


def test_add_chmod_checked() -> None:
    messages = lf003_messages("ADD --chmod=600 app.py /var/task/app.py\n")
    assert messages[0].startswith("ADD --chmod=600")


@pytest.mark.parametrize(
    "body",
    [
        "COPY --chmod=644 app.py ./\n",
        "COPY --chmod=755 src/ ./\n",
        "COPY --chmod=600 secret.pem /opt/secret.pem\n",
        "COPY app.py ./\n",
        "WORKDIR /app\nCOPY --chmod=600 app.py .\n",
        "COPY --chmod=u+x bootstrap ./\n",
    ],
    ids=[
        "file-644",
        "dir-755",
        "outside-task-root",
        "no-chmod",
        "workdir-elsewhere",
        "symbolic-keeps-read",
    ],
)
def test_copy_without_problem_passes(body: str) -> None:
    assert lf003_messages(body) == []


def test_custom_task_root_checked() -> None:
    body = "ENV LAMBDA_TASK_ROOT=/function\nCOPY --chmod=600 app.py /function/\n"
    assert len(lf003_messages(body)) == 1


def test_run_chmod_file_suggests_octal() -> None:
    messages = lf003_messages("COPY app.py ./\nRUN chmod 600 app.py\n")
    assert messages[0].startswith("`chmod 600 app.py` makes app.py")
    assert messages[0].endswith("use `chmod 644 app.py`")


def test_run_chmod_recursive_644_breaks_directories() -> None:
    messages = lf003_messages("RUN chmod -R 644 /var/task\n")
    assert "can't list or enter them" in messages[0]
    assert messages[0].endswith("use `chmod -R u=rwX,go=rX /var/task`")


def test_run_chmod_recursive_700_suggests_755() -> None:
    messages = lf003_messages("RUN chmod --recursive 700 $LAMBDA_TASK_ROOT\n")
    assert messages[0].endswith("use `chmod -R 755 $LAMBDA_TASK_ROOT`")


def test_run_chmod_symbolic_suggests_restore() -> None:
    messages = lf003_messages("RUN chmod -R go-rwx .\n")
    assert messages[0].endswith("follow it with `chmod -R o+rX .`")


def test_run_chmod_after_cd() -> None:
    assert len(lf003_messages("RUN cd /var/task && chmod 600 app.py\n")) == 1
    assert lf003_messages("RUN cd /tmp && chmod 600 app.py\n") == []


def test_run_chmod_exec_form() -> None:
    body = 'RUN ["chmod", "600", "/var/task/app.py"]\n'
    assert len(lf003_messages(body)) == 1


def test_run_chmod_heredoc_body() -> None:
    body = "RUN <<EOF\nset -e\nchmod 600 /var/task/app.py\nEOF\n"
    assert len(lf003_messages(body)) == 1


def test_run_chmod_later_restore_clears() -> None:
    body = "RUN chmod -R 700 /var/task && chmod -R o+rX /var/task\n"
    assert lf003_messages(body) == []


@pytest.mark.parametrize(
    "body",
    [
        "RUN chmod 755 /var/task/bootstrap\n",
        "RUN chmod +x ${LAMBDA_TASK_ROOT}/start.sh\n",
        "RUN chmod 600 /etc/secret\n",
        "RUN chmod -R a+rx /var/task\n",
        "RUN chmod --reference=/etc/hosts /var/task/app.py\n",
        "RUN echo 'chmod 600 /var/task/app.py' > /tmp/notes\n",
    ],
    ids=["755", "plus-x", "outside", "a-plus-rx", "reference", "quoted"],
)
def test_run_without_problem_passes(body: str) -> None:
    assert lf003_messages(body) == []


def test_umask_before_task_root_write() -> None:
    messages = lf003_messages("RUN umask 077 && pip install -t /var/task boto3\n")
    assert messages[0].startswith("RUN sets umask 077")
    assert messages[0].endswith("`chmod -R o+rX /var/task`")


def test_umask_in_task_root_workdir() -> None:
    assert len(lf003_messages("RUN umask 027; touch cache.db\n")) == 1


@pytest.mark.parametrize(
    "body",
    [
        "RUN umask 022 && touch /var/task/a\n",
        "WORKDIR /tmp\nRUN umask 077 && touch /tmp/a\n",
        "RUN touch /var/task/a && umask 077\n",
    ],
    ids=["umask-022", "elsewhere", "umask-last"],
)
def test_umask_without_problem_passes(body: str) -> None:
    assert lf003_messages(body) == []


def test_builder_stage_not_checked() -> None:
    data = (
        "FROM public.ecr.aws/lambda/python:3.12 AS build\n"
        "RUN chmod 600 /var/task/app.py\n"
        "FROM public.ecr.aws/lambda/python:3.12\n"
        'CMD ["app.handler"]\n'
    )
    result = fix_text(data.encode())
    assert "LF003" not in [f.code for f in result.findings]


def test_parent_stage_checked() -> None:
    data = (
        "FROM public.ecr.aws/lambda/python:3.12 AS base\n"
        "RUN chmod 600 /var/task/app.py\n"
        "FROM base\n"
        'CMD ["app.handler"]\n'
    )
    result = fix_text(data.encode())
    lines = [f.line for f in result.findings if f.code == "LF003"]
    assert lines == [2]


def test_declared_lambda_checked() -> None:
    data = b"FROM python:3.12-slim\nCOPY --chmod=600 app.py /var/task/\n"
    result = fix_text(data, Options(declared_lambda=True))
    assert "LF003" in [f.code for f in result.findings]


def test_non_lambda_not_checked() -> None:
    data = b"FROM python:3.12-slim\nCOPY --chmod=600 app.py /var/task/\n"
    assert "LF003" not in [finding.code for finding in fix_text(data).findings]


def test_unchanged_file_still_warned() -> None:
    body = "COPY --chmod=600 app.py ./\nUSER 1001:1001\n"
    result = fix_text((BASE + body).encode())
    assert result.status.value == "unchanged"
    assert [f.code for f in result.findings] == ["LF003"]
