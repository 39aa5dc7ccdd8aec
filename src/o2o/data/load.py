"""Loading a dataset: lazily, validated, with one clear sentence when something is wrong.

>>> import o2o
>>> ds = o2o.load()                      # doctest: +SKIP
>>> ds.stores.head()                     # doctest: +SKIP

A table is read on first access and validated against :mod:`o2o.data.schema`; a missing,
corrupt or outdated file raises :class:`o2o.errors.DataError` naming the command that rebuilds
the data, instead of a stack of library errors.
"""

from __future__ import annotations

import hashlib
import json
import os
from pathlib import Path

import pandas as pd
import pyarrow as pa

from ..errors import DataError
from . import mapped
from .schema import DATASET_VERSION, TABLES, arrow_schema, pandera_schema

REBUILD = "make data"

# Arrow's default allocator (mimalloc) keeps about 30 MB of arena in every process after a
# Parquet read; kernels are many and live long, so the C library's allocator, which hands that
# memory back, is used instead (docs/benchmarks.md). An operator's ARROW_DEFAULT_MEMORY_POOL wins.
if not os.environ.get("ARROW_DEFAULT_MEMORY_POOL"):
    pa.set_memory_pool(pa.system_memory_pool())
REBUILD_CLI = "o2o data build"


def default_data_dir() -> Path:
    """Where the default dataset lives: ``$O2O_DATA_DIR``, else ``datasets/default`` of the course."""
    env = os.environ.get("O2O_DATA_DIR")
    if env:
        return Path(env).expanduser()
    here = Path.cwd().resolve()
    for d in (here, *here.parents):
        if (d / "datasets").is_dir() and ((d / "pyproject.toml").exists() or (d / "course").is_dir()):
            return d / "datasets" / "default"
    return Path(__file__).resolve().parents[3] / "datasets" / "default"


def _rebuild_hint(path: Path) -> tuple[str, str]:
    return (f"请在课程目录运行 `{REBUILD}`(或 `{REBUILD_CLI} --out {path}`)重新生成数据。",
            f"Run `{REBUILD}` in the course folder (or `{REBUILD_CLI} --out {path}`) to rebuild it.")


class Dataset:
    """The tables of one dataset directory, loaded on first access and cached."""

    def __init__(self, path: str | os.PathLike | None = None, validate: bool = True) -> None:
        if path is not None and not isinstance(path, (str, os.PathLike)):
            raise DataError(f"o2o.load(path) 的参数 path 需要一个文件夹路径(文本),得到的是 {type(path).__name__} "
                            f"{path!r:.40}。不写参数即打开默认数据集:o2o.load()。",
                            f"The argument path of o2o.load(path) must be a folder path (text); got "
                            f"{path!r:.40} ({type(path).__name__}). Call o2o.load() for the default dataset.")
        self.path = Path(path) if path is not None else default_data_dir()
        self.validate = validate
        self._cache: dict[str, pd.DataFrame] = {}
        self._arrow: dict = {}  # mapped Arrow tables, verified once
        self._verified: set[str] = set()
        zh, en = _rebuild_hint(self.path)
        if not self.path.is_dir():
            raise DataError(f"找不到数据集目录 {self.path}。{zh}", f"No dataset folder at {self.path}. {en}")
        meta_path = self.path / "meta.json"
        try:
            self.meta = json.loads(meta_path.read_text(encoding="utf-8"))
        except FileNotFoundError:
            raise DataError(f"数据集 {self.path} 缺少 meta.json,可能没有生成完整。{zh}",
                            f"The dataset {self.path} has no meta.json; it may be incomplete. {en}") from None
        except PermissionError:
            raise _no_permission(meta_path) from None
        except (json.JSONDecodeError, UnicodeDecodeError):
            raise DataError(f"数据集的 meta.json 已损坏。{zh}", f"The dataset's meta.json is corrupt. {en}") from None
        version = self.meta.get("version")
        if version != DATASET_VERSION:
            raise DataError(f"数据集版本为 {version},本课程需要版本 {DATASET_VERSION}。{zh}",
                            f"The dataset is version {version}; this course needs version {DATASET_VERSION}. {en}")

    # -- tables -----------------------------------------------------------------------------
    @property
    def tables(self) -> tuple[str, ...]:
        return tuple(TABLES)

    def table(self, name: str) -> pd.DataFrame:
        """One table as a DataFrame (read, validated and cached on first use)."""
        if name not in TABLES:
            raise DataError(f"没有名为 {name!r} 的数据表。可用的表:{', '.join(TABLES)}。",
                            f"There is no table called {name!r}. Tables: {', '.join(TABLES)}.")
        if name not in self._cache:
            self._cache[name] = self._read(name)
        return self._cache[name]

    def __getattr__(self, name: str) -> pd.DataFrame:
        if name in TABLES:
            return self.table(name)
        raise AttributeError(name)

    def __dir__(self):
        return sorted(set(super().__dir__()) | set(TABLES))

    def __repr__(self) -> str:
        counts = self.meta.get("row_counts", {})
        rows = ", ".join(f"{t}={counts.get(t, '?'):,}" if isinstance(counts.get(t), int) else t for t in TABLES)
        return f"<O2O dataset {self.path.name} (synthetic, seed={self.meta.get('seed')}): {rows}>"

    def scan(self, name: str):
        """A lazy :class:`pyarrow.dataset.Dataset` over a table, for aggregating big data without loading it."""
        import pyarrow.dataset as pads

        return pads.dataset([str(f) for f in self._checked_parts(name)], format="parquet", schema=arrow_schema(name))

    def duckdb(self):
        """A DuckDB connection with every table registered as a view (reads Parquet lazily)."""
        import duckdb

        con = _Connection(duckdb.connect(), self.path)
        for name in TABLES:
            if name in self.meta.get("mapped", {}).get("tables", ()):
                # the memory-mapped Arrow copy, scanned in place: nothing to decompress, no private copy
                con.register(name, self._mapped_arrow(name))
                continue
            files = ", ".join("'" + str(f).replace("'", "''") + "'" for f in self._checked_parts(name))
            con.execute(f"CREATE VIEW {name} AS SELECT * FROM read_parquet([{files}])")
        return con

    def _mapped_arrow(self, name: str):
        if name not in self._arrow:
            rel = mapped.table_file(name)
            self._arrow[name] = mapped.read_arrow(self.path, rel, self.meta.get("files", {}).get(rel),
                                                  _rebuild_hint(self.path))
        return self._arrow[name]

    def load_all(self) -> "Dataset":
        """Read every table now (useful before timing or forking)."""
        for name in TABLES:
            self.table(name)
        return self

    # -- internals -------------------------------------------------------------------------
    def _file(self, name: str) -> Path:
        t = TABLES[name]
        p = self.path / (name if t.panel else f"{name}.parquet")
        if not p.exists():
            zh, en = _rebuild_hint(self.path)
            raise DataError(f"数据集中缺少数据表文件 {p.name}。{zh}", f"The dataset has no file {p.name}. {en}")
        return p

    def arrays(self, group: str) -> dict | None:
        """The memory-mapped arrays the generator wrote for ``group`` (e.g. ``"world"``), or None."""
        names = self.meta.get("mapped", {}).get("arrays", {}).get(group)
        if not names:
            return None
        return mapped.read_arrays(self.path, group, list(names), self.meta.get("files", {}),
                                  _rebuild_hint(self.path))

    def _read(self, name: str) -> pd.DataFrame:
        import pyarrow.parquet as pq

        if name in self.meta.get("mapped", {}).get("tables", ()):
            return mapped.to_pandas(self._mapped_arrow(name), mapped.table_file(name), _rebuild_hint(self.path))
        p = self._file(name)
        zh, en = _rebuild_hint(self.path)
        try:
            if p.is_dir():
                parts = self._checked_parts(name)
                table = pa.concat_tables([pq.read_table(f) for f in parts], promote_options="default")
            else:
                table = pq.read_table(p)
            df = table.to_pandas()
        except DataError:
            raise
        except PermissionError:
            raise _no_permission(p) from None
        except (OSError, pa.ArrowException, ValueError) as exc:
            raise DataError(f"数据表文件 {p.name} 已损坏,无法读取。{zh}",
                            f"The table file {p.name} is corrupt and cannot be read ({type(exc).__name__}). {en}") from None
        if self.validate and not self._as_built(p):
            validate_table(name, df, self.path)
        return df

    def parts(self, name: str) -> list[Path]:
        """The files of a table, exactly as listed in meta.json; a missing or extra file is refused.

        A partitioned table with a part missing would load with rows silently gone, and a stray
        extra part would silently add rows; either way the table is refused with one sentence."""
        p = self._file(name)
        if not p.is_dir():
            return [p]
        zh, en = _rebuild_hint(self.path)
        listed = sorted(f for f in self.meta.get("files", {}) if f.startswith(f"{name}/"))
        present = sorted(f.relative_to(self.path).as_posix() for f in p.rglob("*") if not f.is_dir())
        missing = [f for f in listed if f not in present]
        extra = [f for f in present if f not in listed]
        if not listed:
            raise DataError(f"数据集的 meta.json 没有列出数据表 {name} 的文件。{zh}",
                            f"The dataset's meta.json lists no files for table {name}. {en}")
        if missing:
            raise DataError(f"数据表 {name} 缺少 {len(missing)} 个分区文件(例如 {missing[0]}),数据不完整,已拒绝读取。{zh}",
                            f"Table {name} is missing {len(missing)} part files (e.g. {missing[0]}); the data is "
                            f"incomplete and was not read. {en}")
        if extra:
            raise DataError(f"数据表 {name} 多出 {len(extra)} 个不属于数据集的文件(例如 {extra[0]}),已拒绝读取。"
                            f"请移走这些文件,或{zh}",
                            f"Table {name} holds {len(extra)} files that are not part of the dataset (e.g. "
                            f"{extra[0]}); it was not read. Move them away, or: {en}")
        return [self.path / f for f in listed]

    def _checked_parts(self, name: str) -> list[Path]:
        """:meth:`parts`, and (when validating) each part of a partitioned table as built, hashed once."""
        parts = self.parts(name)
        if self.validate and TABLES[name].panel and name not in self._verified:
            self._refuse_changed_parts(name, parts)
            self._verified.add(name)
        return parts

    def _refuse_changed_parts(self, name: str, parts: list[Path]) -> None:
        """A part file that differs from what was built is refused (a copy of another part would
        pass every schema check and silently double rows)."""
        files = self.meta.get("files", {})
        for f in parts:
            rel = f.relative_to(self.path).as_posix()
            with open(f, "rb") as fh:
                if hashlib.file_digest(fh, "sha256").hexdigest() != files.get(rel):
                    zh, en = _rebuild_hint(self.path)
                    raise DataError(f"数据表 {name} 的分区文件 {rel} 与生成时不一致(被修改或损坏),已拒绝读取。{zh}",
                                    f"The part file {rel} of table {name} differs from when it was built (changed "
                                    f"or corrupt); it was not read. {en}")

    def _as_built(self, p: Path) -> bool:
        """True when every file of a table is byte for byte what the generator wrote.

        The generator validates each table against the schema before writing it and records the
        file's SHA-256 in meta.json; a file with the same hash needs no second validation (hashing
        is ~20x cheaper than validating). Any other file is validated in full."""
        files = self.meta.get("files", {})
        for f in (sorted(p.glob("*.parquet")) if p.is_dir() else [p]):
            digest = files.get(str(f.relative_to(self.path)))
            if digest is None:
                return False
            with open(f, "rb") as fh:
                if hashlib.file_digest(fh, "sha256").hexdigest() != digest:
                    return False
        return True


def _no_permission(path: Path) -> DataError:
    return DataError(f"没有权限读取 {path}。请让管理员给您读取这个数据集的权限,或用您自己生成的数据集(`{REBUILD_CLI}`)。",
                     f"No permission to read {path}. Ask an administrator for read access to this dataset, or "
                     f"build your own (`{REBUILD_CLI}`).")


class _Connection:
    """A DuckDB connection whose query errors over broken files become one :class:`DataError`."""

    def __init__(self, con, path: Path) -> None:
        self._con = con
        self._path = path

    def execute(self, *args, **kwargs) -> "_Result":
        return _Result(self._guard(self._con.execute, *args, **kwargs), self)

    sql = query = execute

    def _guard(self, fn, *args, **kwargs):
        import duckdb

        try:
            return fn(*args, **kwargs)
        except duckdb.IOException as exc:
            zh, en = _rebuild_hint(self._path)
            raise DataError(f"数据集 {self._path} 中有文件无法读取(缺失或已损坏)。{zh}",
                            f"A file of the dataset {self._path} cannot be read (missing or corrupt): "
                            f"{str(exc).splitlines()[0][:160]}. {en}") from None
        except duckdb.InvalidInputException as exc:
            zh, en = _rebuild_hint(self._path)
            raise DataError(f"数据集 {self._path} 中有文件已损坏。{zh}",
                            f"A file of the dataset {self._path} is corrupt: {str(exc).splitlines()[0][:160]}. {en}"
                            ) from None

    def __getattr__(self, name: str):
        return getattr(self._con, name)

    def __enter__(self) -> "_Connection":
        return self

    def __exit__(self, *exc) -> None:
        self._con.close()


class _Result:
    """A query result whose fetches go through the same guard."""

    def __init__(self, result, con: _Connection) -> None:
        self._result = result
        self._con = con

    def __getattr__(self, name: str):
        attr = getattr(self._result, name)
        if name in ("df", "fetchall", "fetchone", "fetchdf", "fetchnumpy", "arrow", "fetch_arrow_table", "pl"):
            return lambda *a, **k: self._con._guard(attr, *a, **k)
        return attr


def validate_table(name: str, df: pd.DataFrame, path: Path | None = None) -> None:
    """Check a table against its schema; raise a one-sentence :class:`DataError` if it fails."""
    import pandera.errors as pe

    expected = list(TABLES[name].columns)
    hint = _rebuild_hint(path or default_data_dir())
    if list(df.columns) != expected:
        missing = [c for c in expected if c not in df.columns]
        extra = [c for c in df.columns if c not in expected]
        raise DataError(
            f"数据表 {name} 的列与本课程版本不符(缺少:{missing or '无'};多出:{extra or '无'})。{hint[0]}",
            f"Table {name} does not have the columns this course expects (missing: {missing}; extra: {extra}). {hint[1]}")
    try:
        pandera_schema(name).validate(df, lazy=False)
    except pe.SchemaError as exc:
        col = getattr(exc, "column_name", None) or "?"
        cases = getattr(exc, "failure_cases", None)
        n_bad, example = 0, ""
        if isinstance(cases, pd.DataFrame) and "failure_case" in cases:
            n_bad, example = len(cases), str(cases["failure_case"].iloc[0])[:40]
        elif cases is not None:
            example = str(cases)[:40]
        what_zh = f"有 {n_bad} 个不合规的值(例如 {example!r})" if n_bad else f"不符合要求({example})"
        what_en = f"has {n_bad} invalid values (e.g. {example!r})" if n_bad else f"fails its check ({example})"
        raise DataError(f"数据表 {name} 的列 {col} {what_zh}。{hint[0]}",
                        f"Column {col} of table {name} {what_en}. {hint[1]}") from None


def load(path: str | os.PathLike | None = None, validate: bool = True) -> Dataset:
    """Open the dataset at ``path`` (default: the course's ``datasets/default``)."""
    return Dataset(path, validate=validate)
