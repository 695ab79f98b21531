"""Reports of a run: status lines on stderr and one module per output format.

Every format reads the same list of run.FileOutcome objects; `render`
returns the bytes of one format.
"""

from lambda_fix.report.console import (
    EXIT_CLEAN,
    EXIT_ERROR,
    EXIT_FIXES_NEEDED,
    Report,
    use_color,
)
from lambda_fix.report.formats import FORMATS, render

__all__ = [
    "EXIT_CLEAN",
    "EXIT_ERROR",
    "EXIT_FIXES_NEEDED",
    "FORMATS",
    "Report",
    "render",
    "use_color",
]
