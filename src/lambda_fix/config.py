"""Settings from `[tool.lambda-fix]` in pyproject.toml or from .lambda-fix.toml.

For each Dockerfile the nearest configuration file wins: the search starts
in the file's directory and goes up to the repository root (the first
directory that contains .git) or the filesystem root. In one directory,
.lambda-fix.toml wins over pyproject.toml, and a pyproject.toml without a
`[tool.lambda-fix]` table does not count. Command-line values beat the file.
"""

from __future__ import annotations

import os
import re
import sys
from collections.abc import Container, Iterable, Mapping
from dataclasses import dataclass, field, fields, replace
from pathlib import Path
from typing import Any

from lambda_fix.findings import RULES
from lambda_fix.globs import check_glob, glob_match
from lambda_fix.options import InvalidUser, validate_user

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover - exercised on Python 3.10 only
    import tomli as tomllib

OWN_FILE = ".lambda-fix.toml"
PYPROJECT = "pyproject.toml"

_CODE = re.compile(r"LF[0-9]{0,3}\Z")


class ConfigError(Exception):
    """An unreadable configuration file or an invalid key or value."""


@dataclass(frozen=True)
class Settings:
    """Values from the command line or one configuration file.

    None means "not set here", so a command-line value can fall back to the
    file's. `root` is the directory that include and exclude globs are
    relative to.
    """

    user: str | None = None
    target: str | None = None
    build_args: Mapping[str, str] = field(default_factory=dict)
    include: tuple[str, ...] = ()
    exclude: tuple[str, ...] = ()
    include_custom_runtimes: bool | None = None
    foreign_suppressions: bool | None = None
    select: tuple[str, ...] | None = None
    ignore: tuple[str, ...] | None = None
    root: Path | None = None

    def over(self, base: Settings) -> Settings:
        """Return these settings with unset values taken from `base`."""
        merged: dict[str, Any] = {}
        for item in fields(self):
            value = getattr(self, item.name)
            fallback = getattr(base, item.name)
            if item.name == "build_args":
                merged[item.name] = {**fallback, **value}
            elif item.name in ("include", "exclude", "root"):
                merged[item.name] = fallback
            else:
                merged[item.name] = fallback if value is None else value
        return replace(self, **merged)

    def excludes(self, path: str | Path) -> bool:
        """Check whether an exclude glob matches the path."""
        return bool(self.exclude) and self._matches(self.exclude, path)

    def includes(self, path: str | Path) -> bool:
        """Check whether an include glob matches the path."""
        return bool(self.include) and self._matches(self.include, path)

    def _matches(self, patterns: tuple[str, ...], path: str | Path) -> bool:
        if self.root is None:
            return False
        absolute = os.path.abspath(path)
        root = os.path.join(self.root, "")
        if not absolute.startswith(root):
            return False
        relative = absolute[len(root) :].replace(os.sep, "/")
        return any(glob_match(pattern, relative) for pattern in patterns)


# The settings of a directory without a configuration file. One shared
# object, so that files without configuration share their merged settings.
NO_SETTINGS = Settings()


def parse_codes(values: Iterable[str], where: str = "") -> tuple[str, ...]:
    """Check finding codes or prefixes such as LF001 or LF00; raise ValueError.

    `where` (a file and key) starts the error message when given.
    """
    codes = []
    for value in values:
        code = value.strip().upper()
        if not _CODE.match(code) or not any(known.startswith(code) for known in RULES):
            known = ", ".join(sorted(RULES))
            prefix = f"{where}: " if where else ""
            raise ValueError(
                f"{prefix}unknown finding code {value!r}; use a code or a "
                f"prefix of one of {known}"
            )
        codes.append(code)
    return tuple(codes)


def load(path: Path) -> Settings:
    """Read one configuration file; raise ConfigError naming the problem."""
    try:
        document = tomllib.loads(path.read_text(encoding="utf-8"))
    except OSError as error:
        raise ConfigError(
            f"{path}: cannot read: {error.strerror}; check the path"
        ) from None
    except (tomllib.TOMLDecodeError, UnicodeDecodeError) as error:
        raise ConfigError(f"{path}: invalid TOML: {error}") from None
    if path.name == PYPROJECT:
        table = document.get("tool", {}).get("lambda-fix")
        if not isinstance(table, dict):
            raise ConfigError(f"{path}: no [tool.lambda-fix] table")
        prefix = "tool.lambda-fix."
    else:
        table = document
        prefix = ""
    return _settings(table, path, prefix)


def find(
    directory: str | Path,
    known: dict[str, Path | None] | None = None,
    names: Container[str] | None = None,
) -> Path | None:
    """Return the nearest configuration file at or above a directory.

    `known` caches the result for every directory visited, so a walk over
    many sibling directories stats each parent once. `names`, the entries
    of `directory` when the caller has listed it, saves the stats there.
    """
    known = {} if known is None else known
    # abspath, not resolve(): no system call per directory, and globs are
    # matched against paths as the user wrote them.
    current = os.path.abspath(directory)
    visited: list[str] = []
    found: Path | None = None
    listed = names
    while True:
        if current in known:
            found = known[current]
            break
        visited.append(current)
        found = _config_in(current, listed)
        if found is not None:
            break
        parent = os.path.dirname(current)
        git = _may_exist(".git", listed) and os.path.exists(
            os.path.join(current, ".git")
        )
        if git or parent == current:
            break
        current = parent
        listed = None
    for visited_directory in visited:
        known[visited_directory] = found
    return found


def _config_in(directory: str, names: Container[str] | None) -> Path | None:
    """Return the configuration file of one directory, if it has one."""
    if _may_exist(OWN_FILE, names):
        own = os.path.join(directory, OWN_FILE)
        if os.path.isfile(own):
            return Path(own)
    if _may_exist(PYPROJECT, names):
        pyproject = Path(directory, PYPROJECT)
        if pyproject.is_file() and _has_table(pyproject):
            return pyproject
    return None


def _may_exist(name: str, names: Container[str] | None) -> bool:
    return names is None or name in names


class Resolver:
    """Settings per directory: the nearest file's, a fixed file's, or none."""

    def __init__(self, config: Path | None = None, isolated: bool = False) -> None:
        self._fixed = load(config) if config is not None else None
        self._isolated = isolated
        self._cache: dict[str, Settings] = {}
        self._loaded: dict[Path, Settings] = {}
        self._found: dict[str, Path | None] = {}

    def for_directory(
        self, directory: str | Path, names: Container[str] | None = None
    ) -> Settings:
        """Return the settings in force in a directory.

        `names`, the directory's entries when the caller has listed them,
        saves looking for configuration files there.
        """
        if self._fixed is not None:
            return self._fixed
        if self._isolated:
            return NO_SETTINGS
        # Keyed by the directory as given, so repeated lookups skip abspath.
        key = os.fspath(directory)
        settings = self._cache.get(key)
        if settings is not None:
            return settings
        if len(self._cache) >= _CACHE_LIMIT:
            # A walk visits directories in order, so dropping everything
            # now and then costs a few lookups and keeps memory flat.
            self._cache.clear()
            self._found.clear()
        found = find(key, self._found, names)
        if found is None:
            settings = NO_SETTINGS
        else:
            if found not in self._loaded:
                self._loaded[found] = load(found)
            settings = self._loaded[found]
        self._cache[key] = settings
        return settings

    def for_file(self, path: str | Path) -> Settings:
        return self.for_directory(os.path.dirname(path) or os.curdir)

    def loaded(self) -> list[Settings]:
        """Return the settings of every configuration file read so far."""
        return list(self._loaded.values())


# Directories whose settings are remembered at once; each takes about
# 300 bytes.
_CACHE_LIMIT = 4096


def _has_table(pyproject: Path) -> bool:
    try:
        document = tomllib.loads(pyproject.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError):
        # A broken pyproject.toml only matters when it configures lambda-fix.
        return "[tool.lambda-fix]" in _read_or_empty(pyproject)
    tool = document.get("tool", {})
    return isinstance(tool, dict) and "lambda-fix" in tool


def _read_or_empty(path: Path) -> str:
    try:
        return path.read_text(encoding="utf-8", errors="replace")
    except OSError:
        return ""


_KEYS = (
    "user",
    "target",
    "build-args",
    "include",
    "exclude",
    "include-custom-runtimes",
    "foreign-suppressions",
    "select",
    "ignore",
)


def _settings(table: Mapping[str, Any], path: Path, prefix: str) -> Settings:
    values: dict[str, Any] = {}
    for key, value in table.items():
        where = f"{path}: {prefix}{key}"
        if key not in _KEYS:
            raise ConfigError(
                f"{path}: unknown key {prefix}{key!s}; allowed keys: "
                + ", ".join(_KEYS)
            )
        values[key.replace("-", "_")] = _value(key, value, where)
    return Settings(**values, root=Path(os.path.abspath(path.parent)))


def _value(key: str, value: Any, where: str) -> Any:
    if key in ("user", "target"):
        if not isinstance(value, str) or not value:
            raise ConfigError(f"{where} must be a non-empty string, not {value!r}")
        if key == "user":
            try:
                validate_user(value)
            except InvalidUser as error:
                raise ConfigError(f"{where}: {error}") from None
        return value
    if key in ("include-custom-runtimes", "foreign-suppressions"):
        if not isinstance(value, bool):
            raise ConfigError(f"{where} must be true or false, not {value!r}")
        return value
    if key == "build-args":
        if not isinstance(value, dict) or not all(
            isinstance(item, str) for item in value.values()
        ):
            raise ConfigError(
                f"{where} must be a table of strings, such as "
                '{ PYTHON_VERSION = "3.12" }'
            )
        return dict(value)
    if not isinstance(value, list) or not all(isinstance(item, str) for item in value):
        raise ConfigError(f'{where} must be a list of strings, such as ["LF004"]')
    if key in ("select", "ignore"):
        try:
            return parse_codes(value, where)
        except ValueError as error:
            raise ConfigError(str(error)) from None
    for pattern in value:
        try:
            check_glob(pattern)
        except ValueError as error:
            raise ConfigError(f"{where}: {error}; fix the pattern") from None
    return tuple(value)
