"""The student bundle holds no solution and no hidden test."""

from __future__ import annotations

from pathlib import Path

import pytest

from o2o.grading.bundle import build_bundle, repo_root, scan, secret_lines

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def bundle(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return build_bundle(tmp_path_factory.mktemp("b") / "student-bundle")


def test_bundle_has_what_students_need_and_no_grading_internals(bundle: Path) -> None:
    assert list((bundle / "lessons").glob("*.ipynb"))
    assert (bundle / "src" / "o2o" / "__init__.py").exists()
    assert not (bundle / "src" / "o2o" / "grading").exists()
    assert not (bundle / "src" / "o2o" / "debrief.py").exists()
    sources = sorted(p.name for p in (repo_root() / "assignments" / "source").iterdir() if p.is_dir())
    for name in sources:
        assert list((bundle / "assignments" / name).glob("*.ipynb")), name


def test_bundle_scan_finds_no_solution_or_hidden_test(bundle: Path) -> None:
    secrets = secret_lines(repo_root() / "assignments" / "source")
    assert secrets, "the source assignments have solutions and hidden tests to look for"
    assert scan(bundle, secrets) == []


def test_scan_catches_a_planted_leak(bundle: Path, tmp_path: Path) -> None:
    secrets = secret_lines(repo_root() / "assignments" / "source")
    leak = sorted(secrets)[0]
    (tmp_path / "notes.py").write_text(f"x = 1\n    {leak}\n", encoding="utf-8")
    assert scan(tmp_path, secrets)
