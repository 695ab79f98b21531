"""Parse CDK Python code with libcst; imported only when a file needs it."""

from __future__ import annotations

import io
import os
import tokenize
from pathlib import Path

import libcst as cst
from libcst.metadata import MetadataWrapper, PositionProvider

from lambda_fix.iac import Declarations, ImageDeclaration, SourceNote

_BUILDERS = frozenset({"DockerImageCode", "Code"})


class Unresolved(Exception):
    """An expression whose value is not visible in the source."""


def read_python_source(path: Path, data: bytes) -> Declarations:
    """Collect the image assets declared in one Python module."""
    found = Declarations()
    reason = _too_complex(data)
    if reason:
        found.unresolved.append(SourceNote(path, 1, f"not read: {reason}"))
        return found
    try:
        module = cst.parse_module(data)
    except cst.ParserSyntaxError as error:
        found.unresolved.append(
            SourceNote(path, error.raw_line, f"cannot parse Python: {error.message}")
        )
        return found
    except (SyntaxError, ValueError, RecursionError) as error:
        # Bad encodings and coding cookies raise these instead.
        message = str(error).splitlines()[0] if str(error) else type(error).__name__
        found.unresolved.append(SourceNote(path, 1, f"cannot parse Python: {message}"))
        return found
    wrapper = MetadataWrapper(module, unsafe_skip_copy=True)
    visitor = _Visitor(path, _app_directory(path), found)
    try:
        wrapper.visit(visitor)
    except RecursionError:
        found.unresolved.append(
            SourceNote(path, 1, "not read: expressions nest too deeply")
        )
    return found


# libcst parses and visits recursively. On very long or deeply nested
# expressions it takes memory that grows with the square of their length,
# and then it crashes the interpreter. A chain of 3,000 unary minus signs
# took 500 MB in our measurement. Hand-written CDK code has nothing like
# that, so such files are not parsed at all. The command line also parses
# in worker processes (cdk.PythonReader), where a crash that gets past
# these checks costs one file.
MAX_LINE_LENGTH = 4000
MAX_NESTING = 100
MAX_OPERATORS = 1000

# Tokens that only separate or group, which any long call has many of.
_STRUCTURE = frozenset({",", ":", ".", "=", ";", "->", "(", ")", "[", "]", "{", "}"})
# Keywords that combine expressions as operators do.
_KEYWORD_OPERATORS = frozenset(
    {"not", "and", "or", "in", "is", "if", "lambda", "await"}
)
_OPENING = frozenset({"(", "[", "{"})
_CLOSING = frozenset({")", "]", "}"})


def _too_complex(data: bytes) -> str:
    """Say why a file is too unusual to hand to libcst, or return ""."""
    if any(len(line) > MAX_LINE_LENGTH for line in data.splitlines()):
        return f"a line is longer than {MAX_LINE_LENGTH} bytes"
    # Brackets and operators are counted in tokens, so that those in
    # strings and comments don't count.
    depth = operators = 0
    try:
        for token in tokenize.tokenize(io.BytesIO(data).readline):
            text = token.string
            if token.type == tokenize.NEWLINE:
                operators = 0
            elif token.type == tokenize.OP and text in _OPENING:
                depth += 1
                if depth > MAX_NESTING:
                    return f"brackets nest more than {MAX_NESTING} deep"
            elif token.type == tokenize.OP and text in _CLOSING:
                depth -= 1
            elif (token.type == tokenize.OP and text not in _STRUCTURE) or (
                token.type == tokenize.NAME and text in _KEYWORD_OPERATORS
            ):
                operators += 1
                if operators > MAX_OPERATORS:
                    return f"a statement has more than {MAX_OPERATORS} operators"
    except (tokenize.TokenError, SyntaxError, UnicodeDecodeError):
        # libcst reports the error itself, with a better message.
        return ""
    return ""


def _app_directory(path: Path) -> Path:
    for parent in path.resolve().parents:
        if (parent / "cdk.json").is_file():
            return parent
    return path.resolve().parent


def _dotted(node: cst.BaseExpression) -> str | None:
    """Return "a.b.c" for a chain of names and attributes."""
    if isinstance(node, cst.Name):
        return node.value
    if isinstance(node, cst.Attribute):
        inner = _dotted(node.value)
        return f"{inner}.{node.attr.value}" if inner else None
    return None


class _Visitor(cst.CSTVisitor):
    METADATA_DEPENDENCIES = (PositionProvider,)

    def __init__(self, path: Path, app: Path, found: Declarations) -> None:
        super().__init__()
        self.path = path
        self.app = app
        self.found = found
        # Local name -> dotted name it stands for, from the imports.
        self.aliases: dict[str, str] = {}
        # Name -> the expressions assigned to it anywhere in the module.
        self.assignments: dict[str, list[cst.BaseExpression]] = {}
        self.calls: list[cst.Call] = []

    def _line(self, node: cst.CSTNode) -> int:
        position = self.get_metadata(PositionProvider, node)
        return int(position.start.line)

    def visit_Import(self, node: cst.Import) -> None:
        for alias in node.names:
            name = _dotted(alias.name) or ""
            if alias.asname is not None:
                local = _dotted(alias.asname.name)
                if local:
                    self.aliases[local] = name
            else:
                first = name.split(".")[0]
                self.aliases[first] = first

    def visit_ImportFrom(self, node: cst.ImportFrom) -> None:
        if node.module is None or isinstance(node.names, cst.ImportStar):
            return
        module = _dotted(node.module) or ""
        for alias in node.names:
            name = _dotted(alias.name) or ""
            local = name
            if alias.asname is not None:
                local = _dotted(alias.asname.name) or name
            self.aliases[local] = f"{module}.{name}"

    def visit_Assign(self, node: cst.Assign) -> None:
        for target in node.targets:
            if isinstance(target.target, cst.Name):
                self.assignments.setdefault(target.target.value, []).append(node.value)

    def visit_AnnAssign(self, node: cst.AnnAssign) -> None:
        if isinstance(node.target, cst.Name) and node.value is not None:
            self.assignments.setdefault(node.target.value, []).append(node.value)

    # Parameters, loop targets and other bindings count as assignments of
    # unknown value, so a name bound that way is never taken as a constant
    # of the same name. Scopes are not distinguished.
    def visit_Param(self, node: cst.Param) -> None:
        self._bind_unknown(node.name)

    def visit_AugAssign(self, node: cst.AugAssign) -> None:
        self._bind_unknown(node.target)

    def visit_For(self, node: cst.For) -> None:
        self._bind_unknown(node.target)

    def visit_AsName(self, node: cst.AsName) -> None:
        self._bind_unknown(node.name)

    def visit_NamedExpr(self, node: cst.NamedExpr) -> None:
        self._bind_unknown(node.target)

    def _bind_unknown(self, target: cst.BaseExpression) -> None:
        if isinstance(target, cst.Name):
            self.assignments.setdefault(target.value, []).append(cst.Ellipsis())
        elif isinstance(target, (cst.Tuple, cst.List)):
            for element in target.elements:
                self._bind_unknown(element.value)

    def visit_Call(self, node: cst.Call) -> None:
        self.calls.append(node)

    def leave_Module(self, original_node: cst.Module) -> None:
        # Calls are handled last, so assignments below a call count too.
        for call in self.calls:
            self._handle_call(call)

    def _qualified(self, node: cst.BaseExpression) -> str:
        dotted = _dotted(node) or ""
        first, _, rest = dotted.partition(".")
        if first in self.aliases:
            return f"{self.aliases[first]}.{rest}" if rest else self.aliases[first]
        return dotted

    def _handle_call(self, call: cst.Call) -> None:
        if not isinstance(call.func, cst.Attribute):
            return
        method = call.func.attr.value
        owner = self._qualified(call.func.value)
        builder = owner.split(".")[-1]
        if method == "from_image_asset" or (
            method == "from_asset_image" and builder in _BUILDERS
        ):
            self._image_asset(call)
        elif method == "from_build" and owner.endswith("DockerImage"):
            self.found.notes.append(
                SourceNote(
                    self.path,
                    self._line(call),
                    "DockerImage.from_build builds an image used for bundling "
                    "assets, not a function image; its Dockerfile is left alone",
                )
            )

    def visit_Arg(self, node: cst.Arg) -> None:
        if node.keyword is not None and node.keyword.value == "bundling":
            self.found.notes.append(
                SourceNote(
                    self.path,
                    self._line(node),
                    "bundling options name an image that builds assets, not a "
                    "function image; it is left alone",
                )
            )

    def _image_asset(self, call: cst.Call) -> None:
        line = self._line(call)
        arguments = {arg.keyword.value: arg.value for arg in call.args if arg.keyword}
        positional = [arg.value for arg in call.args if arg.keyword is None]
        directory = arguments.get("directory", positional[0] if positional else None)
        if directory is None:
            self._unresolved(line, "from_image_asset has no directory argument")
            return
        try:
            folder = self._evaluate(directory)
        except Unresolved as error:
            code = cst.Module([]).code_for_node(directory)
            self._unresolved(
                line,
                f"image asset directory {code} cannot be resolved without "
                f"running the code ({error})",
            )
            return
        try:
            file = "Dockerfile"
            if "file" in arguments:
                file = self._evaluate(arguments["file"])
            target = None
            if "target" in arguments:
                target = self._evaluate(arguments["target"])
            build_args = self._evaluate_mapping(arguments.get("build_args"))
        except Unresolved as error:
            self._unresolved(line, f"image asset not resolved statically: {error}")
            return
        self.found.images.append(
            ImageDeclaration(
                dockerfile=Path(os.path.normpath(os.path.join(self.app, folder, file))),
                source=self.path,
                line=line,
                target=target,
                build_args=build_args,
                tool="cdk",
            )
        )

    def _unresolved(self, line: int, message: str) -> None:
        self.found.unresolved.append(SourceNote(self.path, line, message))

    def _evaluate_mapping(self, node: cst.BaseExpression | None) -> dict[str, str]:
        if node is None:
            return {}
        node = self._follow_name(node)
        if not isinstance(node, cst.Dict):
            raise Unresolved("build_args is not a dict literal")
        values = {}
        for element in node.elements:
            if not isinstance(element, cst.DictElement):
                raise Unresolved("build_args unpacks another mapping")
            values[self._evaluate(element.key)] = self._evaluate(element.value)
        return values

    def _follow_name(self, node: cst.BaseExpression) -> cst.BaseExpression:
        seen = set()
        while isinstance(node, cst.Name) and node.value not in seen:
            seen.add(node.value)
            assigned = self.assignments.get(node.value, [])
            if len(assigned) != 1:
                return node
            node = assigned[0]
        return node

    def _evaluate(self, node: cst.BaseExpression) -> str:
        """Compute the string value of an expression, or raise Unresolved."""
        if isinstance(node, cst.Name):
            if node.value == "__file__":
                return str(self.path.resolve())
            assigned = self.assignments.get(node.value, [])
            if len(assigned) != 1:
                if not assigned:
                    raise Unresolved(f"name {node.value!r} has no assignment here")
                raise Unresolved(
                    f"name {node.value!r} is assigned {len(assigned)} times"
                )
            return self._evaluate(assigned[0])
        if isinstance(node, (cst.SimpleString, cst.ConcatenatedString)):
            value = node.evaluated_value
            if not isinstance(value, str):
                raise Unresolved("a bytes literal is not a path")
            return value
        if isinstance(node, cst.BinaryOperation) and isinstance(
            node.operator, cst.Divide
        ):
            return os.path.join(self._evaluate(node.left), self._evaluate(node.right))
        if isinstance(node, cst.Attribute) and node.attr.value == "parent":
            return os.path.dirname(self._evaluate(node.value))
        if isinstance(node, cst.Call):
            return self._evaluate_call(node)
        code = cst.Module([]).code_for_node(node)
        raise Unresolved(f"{code!r} is not a literal path")

    def _evaluate_call(self, call: cst.Call) -> str:
        arguments = [self._evaluate(arg.value) for arg in call.args]
        function = self._qualified(call.func)
        if function == "os.path.join":
            return os.path.join(*arguments) if arguments else ""
        if function == "os.path.dirname" and len(arguments) == 1:
            return os.path.dirname(arguments[0])
        unchanged = ("os.path.abspath", "os.path.realpath", "str")
        if function in unchanged and len(arguments) == 1:
            return arguments[0]
        if function in ("pathlib.Path", "Path", "pathlib.PurePath"):
            return os.path.join(*arguments) if arguments else "."
        if isinstance(call.func, cst.Attribute):
            method = call.func.attr.value
            receiver = self._evaluate(call.func.value)
            if method == "joinpath":
                return os.path.join(receiver, *arguments)
            if method in ("resolve", "absolute", "as_posix") and not arguments:
                return receiver
        code = cst.Module([]).code_for_node(call)
        raise Unresolved(f"call {code!r} is not resolved statically")
