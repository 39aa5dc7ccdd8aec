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


def check(path: str | os.PathLike | None = None, hashes: bool = True, integrity: bool = True,
          tables: bool = True, generator: str | None = None) -> dict:
    """Validate a whole dataset; return a summary (row counts) or raise :class:`DataError`.

    ``hashes``: every file matches meta.json; ``tables``: every table loads and fits its schema;
    ``integrity``: keys are unique and references resolve; ``generator``: the dataset was made by the
    generator with this fingerprint (:func:`o2o.casegen.generator_fingerprint`, the code installed now)."""
    ds = Dataset(path)
    zh, en = _rebuild_hint(ds.path)
    if generator is not None and ds.meta.get("generator") != generator:
        raise DataError(f"数据集是由另一版本的生成程序生成的。{zh}",
                        f"The dataset was made by another version of the generator. {en}")
    if hashes:
        for rel, digest in ds.meta.get("files", {}).items():
            f = ds.path / rel
            if not f.exists():
                raise DataError(f"数据文件 {rel} 不见了。{zh}", f"The data file {rel} is missing. {en}")
            if _sha256(f) != digest:
                raise DataError(f"数据文件 {rel} 与生成时不一致(可能被修改或损坏)。{zh}",
                                f"The data file {rel} differs from when it was built (changed or corrupt). {en}")
    for name in TABLES:  # exactly the files meta.json lists: a missing or stray part is refused
        ds.parts(name)
    if not tables:
        return {"path": str(ds.path), "seed": ds.meta.get("seed"), "scale": ds.meta.get("scale"),
                "rows": dict(ds.meta.get("row_counts", {}))}
    counts = {name: len(ds.table(name)) for name in TABLES}
    if integrity:
        for name, t in TABLES.items():
            if t.key and ds.table(name).duplicated(list(t.key)).any():
                raise DataError(f"数据表 {name} 的主键 {', '.join(t.key)} 有重复。{zh}",
                                f"Table {name} has duplicate keys ({', '.join(t.key)}). {en}")
        problems = referential_problems(ds)
        if problems:
            raise DataError("数据表之间的引用不一致:" + "; ".join(problems) + f"。{zh}",
                            "Tables do not reference each other consistently: " + "; ".join(problems) + f". {en}")
    return {"path": str(ds.path), "seed": ds.meta.get("seed"), "scale": ds.meta.get("scale"), "rows": counts}
