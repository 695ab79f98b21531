from __future__ import annotations

from pathlib import Path

import pytest

ROOT = Path(__file__).parent.parent
CORPUS = ROOT.parent / "shared" / "corpus"


def corpus_files() -> list[Path]:
    """The shared corpus of real Lambda Dockerfiles, or [] where it is absent."""
    if not CORPUS.is_dir():
        return []
    return sorted(CORPUS.glob("*.Dockerfile"))


def corpus_params() -> list[object]:
    files = corpus_files()
    if not files:
        reason = f"corpus not found at {CORPUS}; it lives beside the repository"
        return [pytest.param(None, marks=pytest.mark.skip(reason=reason))]
    return [pytest.param(path, id=path.stem) for path in files]


def corpus_families() -> dict[str, str]:
    """Map a corpus file's id (its stem) to its family in SOURCES.tsv."""
    families = {}
    lines = (CORPUS / "SOURCES.tsv").read_text().splitlines()[1:]
    for line in lines:
        fields = line.split("\t")
        families[fields[0]] = fields[4]
    return families
