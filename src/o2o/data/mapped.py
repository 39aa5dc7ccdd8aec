"""Memory-mapped copies of what every kernel reads: one copy in the page cache, shared.

A class of students (or a crowd of app visitors) each opening the dataset would otherwise
each hold a private copy of the same big tables and of the simulator's arrays. At build
time the generator also writes

* ``mapped/<table>.arrow`` for the largest chain tables (:data:`MAPPED_TABLES`): Arrow IPC
  files, uncompressed, one record batch, strings as ``large_string``;
* ``mapped/<group>/<name>.npy`` for arrays (the simulator's world), plain ``.npy`` files.

Both are listed with their SHA-256 in ``meta.json`` (``files``) and under ``mapped``. On
load they are memory-mapped read-only: a numeric column of the DataFrame and an array
are views of the mapped file, so every process that loads the dataset shares its pages
(the ``Shared_Clean`` lines of ``/proc/PID/smaps``) instead of holding a private copy. A
file that differs from the one the generator wrote (changed or truncated) is refused with
one sentence, never parsed further.
"""

from __future__ import annotations

import hashlib
import os
from pathlib import Path

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.ipc as ipc

from ..errors import DataError

FOLDER = "mapped"
#: chain tables stored a second time as Arrow IPC for mapping (the big ones every lesson reads)
MAPPED_TABLES = ("daily_sales", "store_fans_monthly")


def table_file(name: str) -> str:
    """Path of a mapped table relative to the dataset folder."""
    return f"{FOLDER}/{name}.arrow"


def array_file(group: str, name: str) -> str:
    """Path of a mapped array relative to the dataset folder."""
    return f"{FOLDER}/{group}/{name}.npy"


# --------------------------------------------------------------------------- writing (build time)


def write_table(df: pd.DataFrame, path: Path) -> None:
    """Write ``df`` as an uncompressed Arrow IPC file that maps back without copying."""
    table = pa.Table.from_pandas(df, preserve_index=False)
    fields = [_mapped_field(f) for f in table.schema]
    table = table.cast(pa.schema(fields, metadata=table.schema.metadata)).combine_chunks()
    path.parent.mkdir(parents=True, exist_ok=True)
    with pa.OSFile(str(path), "wb") as sink, ipc.new_file(sink, table.schema) as writer:
        writer.write_table(table, max_chunksize=max(len(table), 1))
    _flush(path)


def _mapped_field(f: pa.Field) -> pa.Field:
    """Strings as ``large_string`` (what pandas' ``str`` columns hold, so no copy on load) and
    second-resolution timestamps as milliseconds (the type a Parquet round trip gives the loader)."""
    if pa.types.is_string(f.type):
        return pa.field(f.name, pa.large_string(), f.nullable)
    if pa.types.is_timestamp(f.type) and f.type.unit == "s":
        return pa.field(f.name, pa.timestamp("ms", f.type.tz), f.nullable)
    return f


def write_arrays(arrays: dict[str, np.ndarray], folder: Path) -> None:
    """Write each array as ``folder/<name>.npy`` (C order, no pickled objects)."""
    folder.mkdir(parents=True, exist_ok=True)
    for name, arr in arrays.items():
        arr = np.ascontiguousarray(arr)
        if arr.dtype.hasobject:
            raise ValueError(f"array {name} holds Python objects; only plain numbers can be mapped")
        np.save(folder / f"{name}.npy", arr, allow_pickle=False)
        _flush(folder / f"{name}.npy")


def _flush(path: Path) -> None:
    """Write the file's pages to disk now: the dataset is renamed into place only when whole, and
    pages still waiting to be written would show as private (dirty) in every process mapping them."""
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


# --------------------------------------------------------------------------- reading (every kernel)


Hint = tuple[str, str]  # what to do about a bad file, in Chinese and English (from the loader)


def verify(root: Path, rel: str, digest: str | None, hint: Hint) -> Path:
    """The mapped file ``root/rel`` if it is byte for byte what the generator wrote, else a DataError."""
    zh, en = hint
    path = root / rel
    if digest is None or not path.is_file():
        raise DataError(f"数据集缺少数据文件 {rel}。{zh}", f"The dataset has no file {rel}. {en}")
    with open(path, "rb") as fh:
        if hashlib.file_digest(fh, "sha256").hexdigest() != digest:
            raise DataError(f"数据文件 {rel} 与生成时不一致(可能被修改或截断)。{zh}",
                            f"The data file {rel} differs from when it was built (changed or truncated). {en}")
    return path


def read_arrow(root: Path, rel: str, digest: str | None, hint: Hint) -> pa.Table:
    """A mapped table as an Arrow table over the mapping (verified against its hash first)."""
    path = verify(root, rel, digest, hint)
    try:
        # the table's buffers keep the mapping alive after ``source`` goes out of scope
        source = pa.memory_map(str(path), "r")
        return ipc.open_file(source).read_all()
    except (OSError, pa.ArrowException, ValueError) as exc:
        raise _corrupt(rel, exc, hint) from None


def to_pandas(table: pa.Table, rel: str, hint: Hint) -> pd.DataFrame:
    """The DataFrame of a mapped table: numeric and date columns are views of the mapping."""
    try:
        # one block per column: pandas keeps each numeric column as a view of the mapped buffer
        return table.to_pandas(split_blocks=True)
    except (pa.ArrowException, ValueError) as exc:
        raise _corrupt(rel, exc, hint) from None


def read_table(root: Path, rel: str, digest: str | None, hint: Hint) -> pd.DataFrame:
    """A mapped table as a DataFrame whose numeric and date columns are views of the file."""
    return to_pandas(read_arrow(root, rel, digest, hint), rel, hint)


def _corrupt(rel: str, exc: Exception, hint: Hint) -> DataError:
    zh, en = hint
    return DataError(f"数据文件 {rel} 已损坏,无法读取。{zh}",
                     f"The data file {rel} is corrupt and cannot be read ({type(exc).__name__}). {en}")


def read_arrays(root: Path, group: str, names: list[str], files: dict[str, str],
                hint: Hint) -> dict[str, np.ndarray]:
    """The arrays of a group, memory-mapped read-only."""
    out = {}
    for name in names:
        rel = array_file(group, name)
        path = verify(root, rel, files.get(rel), hint)
        try:
            # a plain ndarray view of the read-only mapping (np.memmap results would stay memmaps)
            out[name] = np.asarray(np.load(path, mmap_mode="r", allow_pickle=False))
        except (OSError, ValueError) as exc:
            raise _corrupt(rel, exc, hint) from None
    return out
