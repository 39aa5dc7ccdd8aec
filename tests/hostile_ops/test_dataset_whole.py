"""A dataset is whole or refused: a missing, extra or changed part file is named, never read silently."""

from __future__ import annotations

import shutil
from pathlib import Path

import pyarrow.parquet as pq
import pytest
from hostile_ops_helpers import assert_one_sentence, run_o2o

import o2o
from o2o.casegen.commands import estimated_mb
from o2o.data.schema import PANEL_TABLES, TABLES, arrow_schema
from o2o.errors import DataError


@pytest.fixture()
def copy(dataset_dir: Path, tmp_path: Path) -> Path:
    """A full copy of the default dataset (about 45 MB) that a test may break."""
    dst = tmp_path / "ds"
    shutil.copytree(dataset_dir, dst)
    return dst


def _parts(ds: Path, table: str) -> list[Path]:
    return sorted((ds / table).glob("*.parquet"))


def test_a_missing_part_is_refused_by_the_loader_and_by_check(copy):
    table = "transactions"
    assert len(_parts(copy, table)) >= 1
    victim = _parts(copy, table)[-1]
    victim.unlink()
    with pytest.raises(DataError) as e:
        o2o.load(copy).table(table)
    assert victim.name in str(e.value) and "missing" in str(e.value) and "缺少" in str(e.value)
    with pytest.raises(DataError):
        o2o.load(copy).duckdb()
    assert_one_sentence(run_o2o("data", "check", str(copy)), victim.name)


def test_a_stray_extra_part_is_refused_not_added(copy):
    table = "shares"
    stray = copy / table / "part-99999.parquet"
    shutil.copy(_parts(copy, table)[0], stray)
    for read in (lambda ds: ds.table(table), lambda ds: ds.scan(table), lambda ds: ds.duckdb()):
        with pytest.raises(DataError) as e:
            read(o2o.load(copy))
        assert stray.name in str(e.value) and "多出" in str(e.value)
    assert_one_sentence(run_o2o("data", "check", str(copy)), stray.name)


def test_a_changed_part_is_refused_even_when_it_passes_the_schema(copy):
    """A part overwritten by another valid Parquet file would load; its hash gives it away."""
    table = "coupons"
    victim = _parts(copy, table)[0]
    df = pq.read_table(victim).to_pandas()
    pq.write_table(pq.read_table(victim).slice(0, len(df) // 2), victim)
    with pytest.raises(DataError) as e:
        o2o.load(copy).table(table)
    assert victim.name in str(e.value) and "differs" in str(e.value)


def test_a_lesson_function_on_a_broken_table_gives_a_data_error(copy):
    """Before: the lesson on payments showed a raw DuckDB exception in English."""
    from o2o.analysis.scenes_history import payment_mix  # a DuckDB-backed lesson step

    victim = _parts(copy, "transactions")[0]
    victim.write_bytes(victim.read_bytes()[:4000])
    ds = o2o.load(copy, validate=False)  # even without the hash check, no raw library error
    with pytest.raises(DataError) as e:
        payment_mix(ds)
    assert "make data" in str(e.value)


@pytest.mark.slow
def test_a_scale_2_build_loads_and_checks_clean(tmp_path):
    """Before: parts of `shares` had different Arrow string types and scale 2 was 'corrupt'."""
    out = tmp_path / "scale-2"
    proc = run_o2o("data", "build", "--scale", "2", "--out", str(out), "--quiet")
    assert proc.returncode == 0, proc.stderr
    proc = run_o2o("data", "check", str(out))
    assert proc.returncode == 0, proc.stderr
    assert "检查通过" in proc.stdout
    for table in PANEL_TABLES:
        for part in _parts(out, table):
            assert pq.read_schema(part).remove_metadata().equals(arrow_schema(table)), (table, part.name)
    size_mb = sum(f.stat().st_size for f in out.rglob("*") if f.is_file()) / 2**20
    assert abs(size_mb - estimated_mb(2)) / size_mb < 0.25, (size_mb, estimated_mb(2))  # the figure a refusal states
    ds = o2o.load(out)
    assert len(ds.shares) == ds.meta["row_counts"]["shares"] > 0
    assert set(TABLES) == set(ds.meta["row_counts"])
