"""The memory-mapped copies: same data as the tables, refused when changed, shared between processes."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import numpy as np
import pandas as pd
import pyarrow.parquet as pq
import pytest

import o2o
from o2o.data import mapped
from o2o.errors import DataError
from o2o.scenes import World


@pytest.fixture()
def linked(dataset_dir, tmp_path):
    """A dataset whose files are links to the default dataset's, with its own meta.json and
    its own (real, copied) ``mapped/`` files, so a test may change them."""
    dst = tmp_path / "ds"
    for p in dataset_dir.rglob("*"):
        rel = p.relative_to(dataset_dir)
        if p.is_dir():
            (dst / rel).mkdir(parents=True, exist_ok=True)
        elif rel.parts[0] == mapped.FOLDER and p.stat().st_size < 30_000_000 or p.name == "meta.json":
            (dst / rel).parent.mkdir(parents=True, exist_ok=True)
            (dst / rel).write_bytes(p.read_bytes())
        else:
            (dst / rel).parent.mkdir(parents=True, exist_ok=True)
            (dst / rel).symlink_to(p)
    return dst


def test_mapped_tables_hold_the_same_data_as_the_parquet_files(dataset):
    assert set(dataset.meta["mapped"]["tables"]) == set(mapped.MAPPED_TABLES)
    for name in mapped.MAPPED_TABLES:
        from_parquet = pq.read_table(dataset.path / f"{name}.parquet").to_pandas()
        pd.testing.assert_frame_equal(dataset.table(name), from_parquet)


def _mapping_of(address: int) -> str:
    """The file (or "") mapped at ``address`` in this process (/proc/self/maps)."""
    with open("/proc/self/maps", encoding="utf-8", errors="replace") as fh:
        for line in fh:
            parts = line.split()
            lo, hi = (int(x, 16) for x in parts[0].split("-"))
            if lo <= address < hi:
                return parts[5] if len(parts) > 5 else ""
    return ""


@pytest.mark.skipif(not Path("/proc/self/maps").exists(), reason="needs Linux /proc")
def test_numeric_columns_and_world_arrays_lie_in_the_mapped_files(dataset):
    for column in ("sales_yuan", "tickets", "date"):
        values = dataset.daily_sales[column].to_numpy()
        where = _mapping_of(values.__array_interface__["data"][0])
        assert where.endswith(mapped.table_file("daily_sales")), (column, where)
    sales = World.from_dataset(dataset).sales
    assert _mapping_of(sales.__array_interface__["data"][0]).endswith(mapped.array_file("world", "sales"))


def test_world_from_mapped_arrays_equals_the_world_built_from_the_tables(dataset):
    mapped_world = World.from_dataset(dataset)
    assert not mapped_world.sales.flags.writeable
    built = World.from_frames(stores=dataset.stores, squads=dataset.squads, staff=dataset.staff,
                              daily_sales=dataset.daily_sales, store_fans_monthly=dataset.store_fans_monthly,
                              scenes=dataset.scenes)
    for field in ("store_ids", "tickets", "sales", "margin", "fans", "calendar", "ticket_size", "margin_rate",
                  "mean_tickets", "sales_sigma", "store_squad", "capability", "monthly_profit", "profit_support"):
        np.testing.assert_array_equal(getattr(mapped_world, field), getattr(built, field), err_msg=field)
    np.testing.assert_array_equal(mapped_world._stock, built._stock)


def _assert_refused(path: Path, rel: str, read) -> None:
    with pytest.raises(DataError) as e:
        read(o2o.load(path))
    text = str(e.value)
    assert rel in text and "make data" in text and "Traceback" not in text
    zh, en = text.split("\n", 1)
    assert "不一致" in zh and "differs" in en


@pytest.mark.parametrize("how", ["changed", "truncated"])
def test_a_changed_or_truncated_mapped_table_is_refused(linked, how):
    rel = mapped.table_file("store_fans_monthly")
    f = linked / rel
    data = bytearray(f.read_bytes())
    if how == "changed":
        data[len(data) // 2] ^= 0xFF
    else:
        data = data[: len(data) // 3]
    f.write_bytes(bytes(data))
    _assert_refused(linked, rel, lambda ds: ds.store_fans_monthly)


@pytest.mark.parametrize("how", ["changed", "truncated"])
def test_a_changed_or_truncated_world_array_is_refused(linked, how):
    rel = mapped.array_file("world", "calendar")
    f = linked / rel
    data = bytearray(f.read_bytes())
    if how == "changed":
        data[-1] ^= 0x01
    else:
        data = data[:200]
    f.write_bytes(bytes(data))
    _assert_refused(linked, rel, World.from_dataset)


def test_a_missing_mapped_file_is_refused(linked):
    rel = mapped.array_file("world", "fans")
    (linked / rel).unlink()
    with pytest.raises(DataError) as e:
        World.from_dataset(o2o.load(linked))
    assert rel in str(e.value) and "make data" in str(e.value)


# --------------------------------------------------------------------------- two processes share the pages

_CHILD = """
import sys, numpy as np, o2o
from o2o.scenes import World
ds = o2o.load(sys.argv[1])
w = World.from_dataset(ds)
total = float(ds.daily_sales.select_dtypes("number").sum().sum() + ds.daily_sales["date"].astype("int64").sum())
total += float(ds.store_fans_monthly["fans"].sum())
total += float(w.tickets.sum() + w.sales.sum() + w.margin.sum() + w._stock.sum())   # every page read
print("ready", flush=True)
sys.stdin.readline()
"""


def _mapped_use(pid: int, root: Path) -> dict[str, dict[str, int]]:
    """Per mapped data file: Rss, Pss, Shared_Clean, Private_Dirty (kB) in /proc/PID/smaps."""
    out: dict[str, dict[str, int]] = {}
    current = None
    prefix = str(root.resolve()) + os.sep
    with open(f"/proc/{pid}/smaps", encoding="utf-8", errors="replace") as fh:
        for line in fh:
            head = line.split()
            if head and "-" in head[0] and len(head) >= 5 and ":" not in head[0]:
                path = head[5] if len(head) > 5 else ""
                current = out.setdefault(path[len(prefix):], {}) if path.startswith(prefix) else None
            elif current is not None and head and head[0].rstrip(":") in ("Rss", "Pss", "Shared_Clean",
                                                                            "Private_Dirty"):
                key = head[0].rstrip(":")
                current[key] = current.get(key, 0) + int(head[1])
    return out


@pytest.mark.skipif(not Path("/proc/self/smaps").exists(), reason="needs Linux /proc")
def test_two_processes_that_load_the_dataset_share_its_pages(dataset_dir):
    procs = [subprocess.Popen([sys.executable, "-c", _CHILD, str(dataset_dir)], stdin=subprocess.PIPE,
                              stdout=subprocess.PIPE, text=True) for _ in range(2)]
    try:
        for p in procs:
            assert p.stdout.readline().strip() == "ready"
        uses = [_mapped_use(p.pid, dataset_dir) for p in procs]
    finally:
        for p in procs:
            p.communicate("\n", timeout=60)
    meta = json.loads((dataset_dir / "meta.json").read_text(encoding="utf-8"))
    big = [mapped.table_file("daily_sales"), mapped.array_file("world", "sales")]
    for use in uses:
        for rel in big:
            assert rel in use, f"{rel} is not mapped: {sorted(use)}"
            size_kb = (dataset_dir / rel).stat().st_size / 1024
            m = use[rel]
            assert m["Rss"] > 0.9 * size_kb, (rel, m)                 # the data was read through the mapping
            assert m["Shared_Clean"] > 0.9 * m["Rss"], (rel, m)      # ... and its pages are shared
            assert m["Pss"] < 0.6 * m["Rss"], (rel, m)               # each process is charged about half
            assert m.get("Private_Dirty", 0) == 0, (rel, m)          # no private copy
        mapped_kb = sum(v["Rss"] for v in use.values())
        listed = [k for k in meta["files"] if k.startswith(mapped.FOLDER + "/")]
        assert mapped_kb > 0.8 * sum((dataset_dir / k).stat().st_size for k in listed) / 1024


def test_a_variant_rescales_its_own_copy_and_builds_its_own_world(dataset_dir):
    import hashlib

    from o2o.data.variants import VariantDataset, from_key

    base = o2o.load(dataset_dir)
    variant = VariantDataset(dataset_dir, variant=from_key(hashlib.sha256(b"student").hexdigest()))
    assert variant.arrays("world") is None                  # the mapped world is the base case's
    assert not variant.daily_sales["sales_yuan"].equals(base.daily_sales["sales_yuan"])
    assert World.from_dataset(variant).sales.sum() != World.from_dataset(base).sales.sum()
