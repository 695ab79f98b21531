"""Recognise AWS Lambda base images by their reference."""

from __future__ import annotations

import re

_TAG = r"(?::[A-Za-z0-9_][A-Za-z0-9_.-]{0,127})?"
_DIGEST = r"(?:@sha256:[0-9a-f]{64})?"
_NAME = r"[a-z0-9]+(?:[._-][a-z0-9]+)*"
_DOCKER_HUB = r"(?:(?:docker\.io|index\.docker\.io|registry-1\.docker\.io)/)?"
_ECR_HOST = r"[0-9]{12}\.dkr\.ecr\.[a-z0-9-]+\.amazonaws\.com(?:\.cn)?"

# Each pattern matches a repository whose images are AWS Lambda base images.
# SAM build and emulation images (public.ecr.aws/sam/...) match none of them:
# they build or emulate functions but are not what a function runs on.
LAMBDA_REPOSITORIES: tuple[tuple[str, re.Pattern[str]], ...] = (
    (
        "Amazon ECR Public Gallery",
        re.compile(rf"public\.ecr\.aws/lambda/{_NAME}"),
    ),
    (
        "Docker Hub mirror",
        re.compile(rf"{_DOCKER_HUB}amazon/aws-lambda-{_NAME}"),
    ),
    (
        "ECR pull-through cache",
        re.compile(rf"{_ECR_HOST}/(?:{_NAME}/)+(?:lambda/|amazon/aws-lambda-){_NAME}"),
    ),
)

_REFERENCE_TAIL = re.compile(rf"{_TAG}{_DIGEST}\Z")

# Windows base images: uid:gid means nothing in them.
_WINDOWS = re.compile(r"(?:windows/|nanoserver|servercore|windowsservercore)", re.I)


def lambda_repository(reference: str) -> str | None:
    """Return which family of Lambda base images a reference belongs to."""
    for family, pattern in LAMBDA_REPOSITORIES:
        match = pattern.match(reference)
        if match and _REFERENCE_TAIL.match(reference, match.end()):
            return family
    return None


def is_lambda_base(reference: str) -> bool:
    return lambda_repository(reference) is not None


def is_windows_base(reference: str, platform: str | None = None) -> bool:
    if platform and platform.lower().startswith("windows"):
        return True
    return _WINDOWS.search(reference) is not None
