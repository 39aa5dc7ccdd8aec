"""Whole-dataset checks: file hashes against meta.json, schemas, keys and referential integrity."""

from __future__ import annotations

import hashlib
import os
from pathlib import Path

import pandas as pd

from ..errors import DataError
from .load import Dataset, _rebuild_hint
from .schema import FOREIGN_KEYS, TABLES


def _sha256(path: Path) -> str:
    h = hashlib.sha256()
    with open(path, "rb") as f:
        for block in iter(lambda: f.read(1 << 20), b""):
            h.update(block)
    return h.hexdigest()


def referential_problems(ds: Dataset) -> list[str]:
    """Foreign keys whose values are missing from the referenced table (empty list = all good)."""
    problems = []
    for (t, c), (rt, rc) in FOREIGN_KEYS:
        left = ds.table(t)[c].dropna()
        right = pd.Index(ds.table(rt)[rc].dropna().unique())
        missing = ~left.isin(right)
        if missing.any():
            problems.append(f"{t}.{c} -> {rt}.{rc}: {int(missing.sum())} rows, e.g. {left[missing].iloc[0]}")
    return problems


def check(path: str | os.PathLike | None = None, hashes: bool = True, integrity: bool = True) -> dict:
    """Validate a whole dataset; return a summary (row counts) or raise :class:`DataError`."""
    ds = Dataset(path)
    zh, en = _rebuild_hint(ds.path)
    if hashes:
        for rel, digest in ds.meta.get("files", {}).items():
            f = ds.path / rel
            if not f.exists():
                raise DataError(f"数据文件 {rel} 不见了。{zh}", f"The data file {rel} is missing. {en}")
            if _sha256(f) != digest:
                raise DataError(f"数据文件 {rel} 与生成时不一致(可能被修改或损坏)。{zh}",
                                f"The data file {rel} differs from when it was built (changed or corrupt). {en}")
    counts = {name: len(ds.table(name)) for name in TABLES}
    if integrity:
        problems = referential_problems(ds)
        if problems:
            raise DataError("数据表之间的引用不一致:" + "; ".join(problems) + f"。{zh}",
                            "Tables do not reference each other consistently: " + "; ".join(problems) + f". {en}")
    return {"path": str(ds.path), "seed": ds.meta.get("seed"), "scale": ds.meta.get("scale"), "rows": counts}
