"""Load YAML with CloudFormation tags, keeping the nodes for line numbers."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import yaml

from lambda_fix.files import FileError, read_small_file
from lambda_fix.iac import MAX_INFRA_SIZE, Declarations, SourceNote

# Errors that loading a hostile YAML file raises besides YAMLError: an
# impossible date raises ValueError, and very deep nesting RecursionError.
_LOAD_ERRORS = (
    FileError,
    yaml.YAMLError,
    UnicodeDecodeError,
    ValueError,
    TypeError,
    RecursionError,
)


class TagTolerantLoader(yaml.SafeLoader):
    """A SafeLoader that reads any unknown tag (!Ref, !Sub, ...) as a value.

    A tagged value becomes a one-key mapping such as {"!Ref": "Name"}, so
    callers can tell an intrinsic function from a literal.
    """


def _construct_tagged(
    loader: yaml.SafeLoader, tag_suffix: str, node: yaml.Node
) -> dict[str, Any]:
    value: Any
    if isinstance(node, yaml.ScalarNode):
        value = loader.construct_scalar(node)
    elif isinstance(node, yaml.SequenceNode):
        value = loader.construct_sequence(node, deep=True)
    else:
        assert isinstance(node, yaml.MappingNode)
        value = loader.construct_mapping(node, deep=True)
    return {f"!{tag_suffix}": value}


TagTolerantLoader.add_multi_constructor("!", _construct_tagged)


def load_file(
    path: Path, kind: str, found: Declarations
) -> tuple[Any, yaml.Node | None] | None:
    """Read and parse one infrastructure file; return its value and root node.

    A file that can't be read or parsed gets a note in `found`, naming
    `kind`, and None is returned.
    """
    try:
        text = read_small_file(path, MAX_INFRA_SIZE).decode("utf-8")
        return load_with_node(text)
    except _LOAD_ERRORS as error:
        found.unresolved.append(SourceNote(path, 1, f"cannot read {kind}: {error}"))
        return None


def load_with_node(text: str) -> tuple[Any, yaml.Node | None]:
    """Parse one YAML (or JSON) document; return its value and root node.

    Raises yaml.YAMLError for text that is not valid YAML.
    """
    loader = TagTolerantLoader(text)
    try:
        node = loader.get_single_node()
        if node is None:
            return None, None
        return loader.construct_document(node), node
    finally:
        loader.dispose()


def key_lines(node: yaml.Node | None, *path: str) -> dict[str, int]:
    """Return the 1-based line of each key in the mapping at a key path."""
    for name in path:
        if not isinstance(node, yaml.MappingNode):
            return {}
        node = next((v for k, v in node.value if k.value == name), None)
    if not isinstance(node, yaml.MappingNode):
        return {}
    return {str(k.value): k.start_mark.line + 1 for k, _ in node.value}


def is_text(value: object) -> bool:
    """Tell a literal string from an intrinsic function or a variable."""
    return isinstance(value, str) and "${" not in value


def literal_values(mapping: object) -> dict[str, str]:
    """Keep the literal entries of a build-argument mapping, as strings.

    Numbers and booleans are written as YAML writes them (20, true); values
    that are intrinsic functions or variables are dropped.
    """
    if not isinstance(mapping, dict):
        return {}
    values = {}
    for key, value in mapping.items():
        if isinstance(value, bool):
            values[str(key)] = "true" if value else "false"
        elif isinstance(value, (int, float)) or is_text(value):
            values[str(key)] = str(value)
    return values
