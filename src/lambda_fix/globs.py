"""Glob patterns over slash-separated relative paths, as in .gitignore.

`*` and `?` match within one path segment, `**` matches any number of
segments, and `[abc]` is a character class. A pattern without a slash
matches a file name at any depth, unless `anchored` is set.

Patterns come from files in the repository being fixed, so they are
matched by a simulation of their automaton, which takes time linear in
the length of the path for each pattern position. A translation into a
regular expression would let a pattern such as `*a*a*a*a*b` backtrack
for hours.
"""

from __future__ import annotations

import functools
import re
from dataclasses import dataclass

# Token kinds: one literal character, `?`, `*`, `**` (any characters, `/`
# included), `**/` (any number of whole segments) and a character class.
_LITERAL, _ONE, _STAR, _ANY, _SEGMENTS, _CLASS = range(6)
# Tokens that may match nothing at all.
_SKIPPABLE = frozenset({_STAR, _ANY, _SEGMENTS})


@dataclass(frozen=True)
class _Token:
    kind: int
    text: str = ""
    # For a character class, the expression that tests one character.
    pattern: re.Pattern[str] | None = None


@functools.lru_cache(maxsize=256)
def _tokens(pattern: str, anchored: bool) -> tuple[_Token, ...]:
    """Split a glob into the tokens the matcher steps through."""
    body = pattern.strip("/") if not anchored else pattern.lstrip("/")
    if not anchored and "/" not in pattern.strip("/"):
        body = "**/" + body
    tokens: list[_Token] = []
    index = 0
    while index < len(body):
        char = body[index]
        if body.startswith("**/", index):
            # `**/**/` matches what `**/` matches.
            if not tokens or tokens[-1].kind != _SEGMENTS:
                tokens.append(_Token(_SEGMENTS))
            index += 3
            continue
        if body.startswith("**", index):
            tokens.append(_Token(_ANY))
            index += 2
            continue
        if char == "*":
            tokens.append(_Token(_STAR))
        elif char == "?":
            tokens.append(_Token(_ONE))
        elif char == "[" and _class_end(body, index) > 0:
            end = _class_end(body, index)
            content = body[index + 1 : end].replace("\\", "\\\\").replace("[", "\\[")
            if content.startswith("!"):
                content = "^" + content[1:]
            tokens.append(_Token(_CLASS, pattern=re.compile(f"[{content}]")))
            index = end
        else:
            tokens.append(_Token(_LITERAL, char))
        index += 1
    return tuple(tokens)


def _class_end(body: str, start: int) -> int:
    """Return the index of the `]` closing a class at `start`, or -1.

    An empty class, `[]` or `[!]`, is no class: its brackets are literal.
    """
    end = body.find("]", start + 1)
    if end < 0 or body[start + 1 : end] in ("", "!"):
        return -1
    return end


def check_glob(pattern: str) -> None:
    """Raise ValueError naming the problem if a glob can't be used."""
    try:
        _tokens(pattern, False)
        _tokens(pattern, True)
    except re.error as error:
        raise ValueError(f"invalid glob {pattern!r}: {error}") from None


def glob_match(pattern: str, path: str, anchored: bool = False) -> bool:
    """Check whether a relative path or one of its parent directories matches.

    Raises ValueError for an invalid character class.
    """
    try:
        tokens = _tokens(pattern, anchored)
    except re.error as error:
        raise ValueError(f"invalid glob {pattern!r}: {error}") from None
    # A state is a token index, or for `**/` the token index plus one half
    # (-1 - index) while inside a segment it is skipping.
    states = _closure({0}, tokens)
    for index, char in enumerate(path):
        parent = char == "/" and not anchored and len(tokens) in states
        # The pattern matched a parent directory. As `.` in a regular
        # expression, the rest may not contain a line break.
        if parent and "\n" not in path[index:]:
            return True
        states = _closure(_step(states, tokens, char), tokens)
        if not states:
            return False
    return len(tokens) in states


def _closure(states: set[int], tokens: tuple[_Token, ...]) -> set[int]:
    """Add the states reachable without reading a character."""
    pending = list(states)
    result = set(states)
    while pending:
        state = pending.pop()
        skips = 0 <= state < len(tokens) and tokens[state].kind in _SKIPPABLE
        if skips and state + 1 not in result:
            result.add(state + 1)
            pending.append(state + 1)
    return result


def _step(states: set[int], tokens: tuple[_Token, ...], char: str) -> set[int]:
    """Return the states after reading one character."""
    after: set[int] = set()
    for state in states:
        if state < 0:
            # Inside a segment that `**/` skips: stay until its slash.
            after.add(-1 - state if char == "/" else state)
            continue
        if state == len(tokens):
            continue
        token = tokens[state]
        kind = token.kind
        if kind == _LITERAL:
            if char == token.text:
                after.add(state + 1)
        elif kind == _ONE:
            if char != "/":
                after.add(state + 1)
        elif kind == _STAR:
            if char != "/":
                after.add(state)
        elif kind == _ANY:
            if char != "\n":
                after.add(state)
        elif kind == _SEGMENTS:
            after.add(state if char == "/" else -1 - state)
        elif token.pattern is not None and token.pattern.fullmatch(char):
            after.add(state + 1)
    return after
