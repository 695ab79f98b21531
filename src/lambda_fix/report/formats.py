"""The output formats by name, for --output-format and --report."""

from __future__ import annotations

from collections.abc import Callable, Sequence

from lambda_fix.report import github, json, markdown, sarif, text
from lambda_fix.run import FileOutcome, Mode

Renderer = Callable[[Sequence[FileOutcome], Mode], bytes]

FORMATS: dict[str, Renderer] = {
    "text": text.render,
    "json": json.render,
    "sarif": sarif.render,
    "github": github.render,
    "markdown": markdown.render,
}


def render(name: str, outcomes: Sequence[FileOutcome], mode: Mode) -> bytes:
    """Render the outcomes in the named format; raise KeyError if unknown."""
    return FORMATS[name](outcomes, mode)
