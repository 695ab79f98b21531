"""Finding codes and the records a check produces."""

from __future__ import annotations

import enum
from dataclasses import dataclass


class Severity(str, enum.Enum):
    ERROR = "error"
    WARNING = "warning"
    INFO = "info"


@dataclass(frozen=True)
class Rule:
    code: str
    name: str
    summary: str
    severity: Severity


RULES: dict[str, Rule] = {
    rule.code: rule
    for rule in (
        Rule(
            "LF001",
            "root-final-user",
            "The image runs as root: the built stage has no USER, or its "
            "last USER is root.",
            Severity.ERROR,
        ),
        Rule(
            "LF002",
            "malformed-user",
            "A USER value contains whitespace, so the rest of the line "
            "becomes part of the user name and the container fails to start.",
            Severity.ERROR,
        ),
        Rule(
            "LF003",
            "unreadable-task-files",
            "The image makes files under the task root unreadable to other "
            "users, and Lambda's user is neither their owner nor in their "
            "group, so the function fails with Permission denied.",
            Severity.WARNING,
        ),
        Rule(
            "LF004",
            "sam-local-breaks",
            "The image's user is not root, so the image that `sam local "
            "invoke` builds on top of it fails in its RUN step.",
            Severity.WARNING,
        ),
        Rule(
            "LF005",
            "unresolved-user",
            "A USER value uses a variable with no default in the Dockerfile, "
            "so the final user is unknown.",
            Severity.WARNING,
        ),
        Rule(
            "LF006",
            "user-name-case",
            "A USER name differs from root only in case. User names are "
            "case-sensitive, so such a user probably does not exist.",
            Severity.WARNING,
        ),
        Rule(
            "LF007",
            "ambiguous-parse",
            "BuildKit reads the file differently from how it looks, so no "
            "line can be placed safely.",
            Severity.ERROR,
        ),
        Rule(
            "LF008",
            "windows-image",
            "The image is a Windows image, where a uid:gid USER has no meaning.",
            Severity.ERROR,
        ),
        Rule(
            "LF009",
            "custom-runtime",
            "The image runs on a base that is not an AWS Lambda base but "
            "carries a Lambda runtime interface client, emulator, runtime "
            "library or the Lambda Web Adapter. It is fixed only with "
            "--include-custom-runtimes, after review.",
            Severity.WARNING,
        ),
        Rule(
            "LF010",
            "invalid-dockerfile",
            "BuildKit would reject the Dockerfile.",
            Severity.ERROR,
        ),
    )
}


@dataclass(frozen=True)
class Finding:
    """One problem found in a Dockerfile; line is 1-based."""

    code: str
    line: int
    message: str

    @property
    def rule(self) -> Rule:
        return RULES[self.code]

    @property
    def severity(self) -> Severity:
        return self.rule.severity
