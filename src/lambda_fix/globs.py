"""Glob patterns over slash-separated relative paths, as in .gitignore.

`*` and `?` match within one path segment, `**` matches any number of
segments, and `[abc]` is a character class. A pattern without a slash
matches a file name at any depth, unless `anchored` is set.
"""

from __future__ import annotations

import functools
import re


@functools.lru_cache(maxsize=256)
def compile_glob(pattern: str, anchored: bool = False) -> re.Pattern[str]:
    """Translate a glob into a regular expression over the whole path."""
    body = pattern.strip("/") if not anchored else pattern.lstrip("/")
    if not anchored and "/" not in pattern.strip("/"):
        body = "**/" + body
    regex = ""
    index = 0
    while index < len(body):
        char = body[index]
        if body.startswith("**/", index):
            regex += "(?:[^/]*/)*"
            index += 3
            continue
        if body.startswith("**", index):
            regex += ".*"
            index += 2
            continue
        if char == "*":
            regex += "[^/]*"
        elif char == "?":
            regex += "[^/]"
        elif char == "[":
            end = body.find("]", index + 1)
            if end < 0:
                regex += re.escape(char)
            else:
                content = body[index + 1 : end].replace("\\", "\\\\")
                if content.startswith("!"):
                    content = "^" + content[1:]
                regex += f"[{content}]"
                index = end
        else:
            regex += re.escape(char)
        index += 1
    return re.compile(regex + r"(?:/.*)?\Z" if not anchored else regex + r"\Z")


def glob_match(pattern: str, path: str, anchored: bool = False) -> bool:
    """Check whether a relative path or one of its parent directories matches."""
    return compile_glob(pattern, anchored).match(path) is not None
