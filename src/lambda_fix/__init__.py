"""Add a non-root USER to Dockerfiles of AWS Lambda container images."""

from lambda_fix.core import Result, Status, fix_text
from lambda_fix.findings import RULES, Finding, Severity
from lambda_fix.options import Options

__all__ = [
    "RULES",
    "Finding",
    "Options",
    "Result",
    "Severity",
    "Status",
    "__version__",
    "fix_text",
]

__version__ = "0.1.0"
