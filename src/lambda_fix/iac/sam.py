"""Lambda images declared in AWS SAM templates.

A function with `PackageType: Image` is built by `sam build` from the
resource's Metadata: DockerContext (a directory relative to the template),
Dockerfile (relative to DockerContext, default "Dockerfile"),
DockerBuildTarget and DockerBuildArgs.
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

TEMPLATE_NAMES = frozenset({"template.yaml", "template.yml", "template.json"})
_FUNCTION_TYPES = frozenset({"AWS::Serverless::Function", "AWS::Lambda::Function"})


def read_template(path: Path) -> Declarations:
    """Collect the image functions of one SAM template."""
    found = Declarations()
    loaded = load_file(path, "SAM template", found)
    if loaded is None:
        return found
    document, node = loaded
    if not isinstance(document, dict):
        return found
    resources = document.get("Resources")
    if not isinstance(resources, dict):
        return found
    lines = key_lines(node, "Resources")
    for name, resource in resources.items():
        line = lines.get(str(name), 1)
        _read_resource(path, str(name), resource, line, found)
    return found


def _read_resource(
    path: Path, name: str, resource: Any, line: int, found: Declarations
) -> None:
    if not isinstance(resource, dict):
        return
    if resource.get("Type") not in _FUNCTION_TYPES:
        return
    properties = resource.get("Properties") or {}
    if not isinstance(properties, dict) or properties.get("PackageType") != "Image":
        return
    metadata = resource.get("Metadata") or {}
    if not isinstance(metadata, dict):
        metadata = {}
    context = metadata.get("DockerContext")
    dockerfile = metadata.get("Dockerfile", "Dockerfile")
    if context is None:
        found.notes.append(
            SourceNote(
                path,
                line,
                f"function {name} has PackageType Image but no DockerContext "
                "in Metadata, so it uses an image built elsewhere",
            )
        )
        return
    if not (is_text(context) and is_text(dockerfile)):
        found.unresolved.append(
            SourceNote(
                path,
                line,
                f"function {name}: DockerContext {context!r} or Dockerfile "
                f"{dockerfile!r} is not a literal path",
            )
        )
        return
    target = metadata.get("DockerBuildTarget")
    build_args = metadata.get("DockerBuildArgs")
    found.images.append(
        ImageDeclaration(
            dockerfile=path.parent / str(context) / str(dockerfile),
            source=path,
            line=line,
            target=str(target) if is_text(target) else None,
            build_args=literal_values(build_args),
            tool="sam",
            used_by_sam=True,
        )
    )
