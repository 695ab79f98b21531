"""Configuration files: lookup, validation and precedence."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from lambda_fix.config import ConfigError, Resolver, Settings, find, load
from tests.samples import LAMBDA_DOCKERFILE, run_cli


def write(path: Path, text: str) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text)
    return path


def test_nearest_file_wins(repo: Path) -> None:
    write(repo / "pyproject.toml", '[tool.lambda-fix]\nuser = "2000"\n')
    own = write(repo / "api" / ".lambda-fix.toml", 'user = "3000"\n')
    assert find(repo / "api") == own
    assert find(repo) == repo / "pyproject.toml"
    assert Resolver().for_file(repo / "api" / "Dockerfile").user == "3000"


def test_own_file_beats_pyproject(repo: Path) -> None:
    write(repo / "pyproject.toml", '[tool.lambda-fix]\nuser = "2000"\n')
    own = write(repo / ".lambda-fix.toml", 'user = "3000"\n')
    assert find(repo / "api") == own


def test_pyproject_without_table_is_skipped(repo: Path) -> None:
    write(repo / "api" / "pyproject.toml", "[project]\nname = 'x'\n")
    write(repo / "pyproject.toml", "[tool.lambda-fix]\nignore = ['LF005']\n")
    assert find(repo / "api") == repo / "pyproject.toml"


def test_search_stops_at_repository_root(tmp_path: Path) -> None:
    write(tmp_path / ".lambda-fix.toml", 'user = "2000"\n')
    (tmp_path / "project" / ".git").mkdir(parents=True)
    (tmp_path / "project" / "api").mkdir()
    assert find(tmp_path / "project" / "api") is None
    assert find(tmp_path) == tmp_path / ".lambda-fix.toml"


def test_isolated_ignores_files(repo: Path) -> None:
    write(repo / ".lambda-fix.toml", 'user = "2000"\n')
    assert Resolver(isolated=True).for_file(repo / "Dockerfile") == Settings()


def test_all_keys_load(tmp_path: Path) -> None:
    path = write(
        tmp_path / ".lambda-fix.toml",
        'user = "2000:2000"\ntarget = "final"\n'
        'build-args = { PYTHON = "3.12" }\ninclude = ["*.df"]\n'
        'exclude = ["vendor/**"]\ninclude-custom-runtimes = true\n'
        "foreign-suppressions = false\nselect = ['LF0']\nignore = ['lf005']\n",
    )
    settings = load(path)
    assert settings.user == "2000:2000"
    assert settings.build_args == {"PYTHON": "3.12"}
    assert settings.include_custom_runtimes is True
    assert settings.foreign_suppressions is False
    assert settings.ignore == ("LF005",)
    assert settings.includes(tmp_path / "a" / "b.df")
    assert settings.excludes(tmp_path / "vendor" / "x" / "Dockerfile")
    assert not settings.excludes(tmp_path / "Dockerfile")


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("colour = 1\n", "unknown key colour; allowed keys: user, target"),
        ("user = 0\n", "user must be a non-empty string"),
        ('user = "root"\n', "user: invalid user 'root'"),
        ("include-custom-runtimes = 'yes'\n", "must be true or false"),
        ("build-args = { PY = 3.12 }\n", "build-args must be a table of strings"),
        ("ignore = 'LF001'\n", "ignore must be a list of strings"),
        ("select = ['LF999']\n", "unknown finding code 'LF999'"),
        ("user = \n", "invalid TOML"),
    ],
)
def test_bad_values_name_file_and_key(tmp_path: Path, text: str, message: str) -> None:
    path = write(tmp_path / ".lambda-fix.toml", text)
    with pytest.raises(ConfigError, match=r".*") as caught:
        load(path)
    assert str(path) in str(caught.value)
    assert message in str(caught.value)


def test_pyproject_key_is_prefixed(tmp_path: Path) -> None:
    path = write(tmp_path / "pyproject.toml", "[tool.lambda-fix]\nusr = '1'\n")
    with pytest.raises(ConfigError, match=r"unknown key tool\.lambda-fix\.usr"):
        load(path)


def test_cli_bad_config_exits_2(repo: Path) -> None:
    write(repo / ".lambda-fix.toml", "colour = 1\n")
    result = run_cli(".", cwd=repo)
    assert result.returncode == 2
    assert b".lambda-fix.toml: unknown key colour" in result.stderr


def test_cli_uses_config_and_command_line_wins(repo: Path) -> None:
    write(repo / ".lambda-fix.toml", 'user = "2000:2000"\n')
    result = run_cli(".", cwd=repo)
    assert b"+USER 2000:2000" in result.stdout
    result = run_cli(".", "--user", "3000", cwd=repo)
    assert b"+USER 3000" in result.stdout
    result = run_cli(".", "--isolated", cwd=repo)
    assert b"+USER 1001:1001" in result.stdout


def test_cli_explicit_config(
    repo: Path, tmp_path_factory: pytest.TempPathFactory
) -> None:
    other = tmp_path_factory.mktemp("conf") / "settings.toml"
    other.write_text("ignore = ['LF001']\n")
    result = run_cli(".", "--config", other, "--output-format", "json", cwd=repo)
    files = json.loads(result.stdout)["files"]
    assert [entry["status"] for entry in files] == ["skipped", "skipped"]
    assert result.returncode == 0


def test_cli_include_and_exclude_globs(repo: Path) -> None:
    write(repo / "lambda.df", LAMBDA_DOCKERFILE)
    write(repo / "vendor" / "Dockerfile", LAMBDA_DOCKERFILE)
    write(repo / ".lambda-fix.toml", 'include = ["*.df"]\nexclude = ["vendor"]\n')
    result = run_cli(".", "--check", "--output-format", "json", cwd=repo)
    paths = [entry["path"] for entry in json.loads(result.stdout)["files"]]
    assert paths == ["api/Dockerfile", "lambda.df", "web.dockerfile"]
    result = run_cli("vendor/Dockerfile", "--check", cwd=repo)
    assert result.returncode == 0
    assert b"no Dockerfiles found" in result.stderr


def test_config_broken_during_run_stops_it(tmp_path: Path) -> None:
    """A configuration file that turns invalid mid-run ends it with one line."""
    (tmp_path / "early").mkdir()
    (tmp_path / "early" / "Dockerfile").write_text(LAMBDA_DOCKERFILE)
    (tmp_path / "late").mkdir()
    (tmp_path / "late" / "Dockerfile").write_text(LAMBDA_DOCKERFILE)
    # The second lookup of late/ happens in the walk that feeds the fixes.
    script = (
        "import sys\n"
        "from lambda_fix import config\n"
        "from lambda_fix.cli import main\n"
        "real = config.Resolver.for_directory\n"
        "seen = []\n"
        "def flaky(self, directory, names=None):\n"
        "    if str(directory).endswith('late'):\n"
        "        seen.append(directory)\n"
        "        if len(seen) == 2:\n"
        "            raise config.ConfigError('late/.lambda-fix.toml: invalid TOML')\n"
        "    return real(self, directory, names)\n"
        "config.Resolver.for_directory = flaky\n"
        "sys.argv = ['lambda-fix', '--check', '.']\n"
        "main()\n"
    )
    result = subprocess.run(
        [sys.executable, "-c", script],
        cwd=tmp_path,
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 2
    assert "lambda-fix: error: late/.lambda-fix.toml: invalid TOML" in result.stderr
    assert "Traceback" not in result.stderr


def test_invalid_glob_rejected(tmp_path: Path) -> None:
    config = tmp_path / ".lambda-fix.toml"
    config.write_text('include = ["[z-a]"]\n')
    with pytest.raises(ConfigError, match="include: invalid glob '\\[z-a\\]'"):
        load(config)
