"""Settings for one fix, and validation of the user value."""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, field

DEFAULT_USER = "1001:1001"
# The largest uid or gid Linux accepts; 4294967295 means "no id".
MAX_ID = 4294967294

_NUMERIC_USER = re.compile(r"[0-9]+(?::[0-9]+)?\Z")
_NAMED_USER = re.compile(r"[A-Za-z_][A-Za-z0-9_.-]*(?::[A-Za-z0-9_][A-Za-z0-9_.-]*)?\Z")


class InvalidUser(ValueError):
    """A --user value that would not make the image non-root."""


@dataclass(frozen=True)
class Options:
    """Settings for one fix: the line to insert and how to read the file.

    `declared_lambda` is set when infrastructure code declares the file as
    a Lambda function image, whatever its base. `used_by_sam` marks files
    that `sam local invoke` builds on.

    `select` and `ignore` hold finding codes or code prefixes, as in ruff;
    an empty `select` selects every code. `foreign_suppressions` honours
    Checkov, Trivy and hadolint comments that accept a root user, and
    `trivyignore_entry` names the .trivyignore entry (found by the caller)
    that accepts it for this file, or is empty.
    """

    user: str = DEFAULT_USER
    target: str | None = None
    build_args: Mapping[str, str] = field(default_factory=dict)
    declared_lambda: bool = False
    include_custom_runtimes: bool = False
    used_by_sam: bool = False
    select: tuple[str, ...] = ()
    ignore: tuple[str, ...] = ()
    foreign_suppressions: bool = True
    trivyignore_entry: str = ""


def validate_user(value: str) -> bool:
    """Check a --user value; return True when it is a name, not numbers.

    Raises InvalidUser for root, uid 0, empty values and values that
    BuildKit would misread (whitespace, comments, variables).
    """
    if _NUMERIC_USER.match(value):
        if any(int(part) > MAX_ID for part in value.split(":")):
            raise InvalidUser(
                f"invalid user {value!r}: uid and gid must be at most {MAX_ID}; "
                "use a value such as 1001:1001"
            )
        if int(value.partition(":")[0]) == 0:
            raise InvalidUser(
                f"invalid user {value!r}: uid 0 is root; use a non-zero uid "
                "such as 1001:1001"
            )
        return False
    if _NAMED_USER.match(value):
        if value.partition(":")[0].lower() == "root":
            raise InvalidUser(
                f"invalid user {value!r}: root is what lambda-fix replaces; "
                "use a non-zero uid such as 1001:1001"
            )
        return True
    raise InvalidUser(
        f"invalid user {value!r}: use UID[:GID] with numbers, such as "
        "1001:1001, or a user name that exists in the image"
    )
