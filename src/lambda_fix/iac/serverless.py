"""Lambda images declared in Serverless Framework configuration.

`provider.ecr.images.<name>` builds an image from `path` (a directory
relative to serverless.yml), `file` (default "Dockerfile"), `buildArgs`
and `buildOptions`, where `--target x` or `--target=x` picks the stage.
An image given by `uri` is built elsewhere and has no local Dockerfile.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from lambda_fix.iac import Declarations, ImageDeclaration, SourceNote
from lambda_fix.iac._yaml import (
    is_text,
    key_lines,
    literal_values,
    load_file,
)

CONFIG_NAMES = frozenset({"serverless.yml", "serverless.yaml"})


def read_config(path: Path) -> Declarations:
    """Collect the images of one serverless.yml."""
    found = Declarations()
    loaded = load_file(path, "Serverless configuration", found)
    if loaded is None:
        return found
    document, node = loaded
    images = _get(document, "provider", "ecr", "images")
    if not isinstance(images, dict):
        return found
    lines = key_lines(node, "provider", "ecr", "images")
    for name, image in images.items():
        line = lines.get(str(name), 1)
        _read_image(path, str(name), image, line, found)
    return found


def _get(document: Any, *keys: str) -> Any:
    for key in keys:
        if not isinstance(document, dict):
            return None
        document = document.get(key)
    return document


def _read_image(
    path: Path, name: str, image: Any, line: int, found: Declarations
) -> None:
    if not isinstance(image, dict) or "path" not in image:
        return
    directory = image["path"]
    file = image.get("file", "Dockerfile")
    if not (is_text(directory) and is_text(file)):
        found.unresolved.append(
            SourceNote(
                path,
                line,
                f"image {name}: path {directory!r} or file {file!r} uses a "
                "variable, so its Dockerfile is unknown",
            )
        )
        return
    build_args = image.get("buildArgs")
    found.images.append(
        ImageDeclaration(
            dockerfile=path.parent / str(directory) / str(file),
            source=path,
            line=line,
            target=target_from_options(image.get("buildOptions")),
            build_args=literal_values(build_args),
            tool="serverless",
        )
    )


def target_from_options(options: Any) -> str | None:
    """Find `--target x` or `--target=x` in docker build options."""
    if isinstance(options, str):
        words = options.split()
    elif isinstance(options, list):
        words = [word for item in options for word in str(item).split()]
    else:
        return None
    for index, word in enumerate(words):
        if word.startswith("--target="):
            return word.partition("=")[2] or None
        if word == "--target" and index + 1 < len(words):
            return words[index + 1]
    return None
