"""Fixtures of the hostile-operations suite (helpers: ``hostile_ops_helpers``)."""

from __future__ import annotations

from pathlib import Path

import pytest


@pytest.fixture()
def user_folder(tmp_path: Path) -> Path:
    """A folder holding a user's own files: notes, a spreadsheet, their own parquet file, a subfolder."""
    d = tmp_path / "mine"
    (d / "sub").mkdir(parents=True)
    (d / "plan.docx").write_bytes(b"PK\x03\x04 my plan")
    (d / "grades.xlsx").write_bytes(b"PK\x03\x04 grades")
    (d / "my-own.parquet").write_bytes(b"PAR1 not the kit's")
    (d / "sub" / "notes.txt").write_text("我的笔记 / my notes\n", encoding="utf-8")
    return d
