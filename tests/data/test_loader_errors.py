"""Each way a dataset can be broken gives one clear bilingual sentence naming the rebuild command."""

from __future__ import annotations

import json
import shutil

import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq
import pytest

import o2o
from o2o.data import check
from o2o.errors import DataError

SMALL = ("stores", "products", "squads", "scenes")


@pytest.fixture()
def copy(dataset_dir, tmp_path):
    """A copy of the default dataset's small files (big tables are linked, never modified)."""
    dst = tmp_path / "ds"
    dst.mkdir()
    for p in dataset_dir.iterdir():
        if p.is_dir():
            (dst / p.name).symlink_to(p, target_is_directory=True)
        elif p.stem in SMALL or p.name == "meta.json":
            shutil.copy(p, dst / p.name)
        else:
            (dst / p.name).symlink_to(p)
    return dst


def _assert_message(exc: DataError, *zh_words: str) -> None:
    text = str(exc)
    assert "make data" in text and "o2o data build" in text
    zh, en = text.split("\n", 1)
    assert any("\u4e00" <= ch <= "\u9fff" for ch in zh), "the first line is Chinese"
    assert en[:12].isascii() and en.strip(), "then English"
    for w in zh_words:
        assert w in text, (w, text)
    assert "Traceback" not in text


def test_missing_folder(tmp_path):
    with pytest.raises(DataError) as e:
        o2o.load(tmp_path / "nowhere")
    _assert_message(e.value, "找不到数据集目录", "No dataset folder")


def test_missing_meta(copy):
    (copy / "meta.json").unlink()
    with pytest.raises(DataError) as e:
        o2o.load(copy)
    _assert_message(e.value, "meta.json", "incomplete")


def test_corrupt_meta(copy):
    (copy / "meta.json").write_text("{not json", encoding="utf-8")
    with pytest.raises(DataError) as e:
        o2o.load(copy)
    _assert_message(e.value, "已损坏", "corrupt")


def test_other_version(copy):
    meta = json.loads((copy / "meta.json").read_text(encoding="utf-8"))
    meta["version"] = 0
    (copy / "meta.json").write_text(json.dumps(meta), encoding="utf-8")
    with pytest.raises(DataError) as e:
        o2o.load(copy)
    _assert_message(e.value, "版本", "version")


def test_missing_table_file(copy):
    (copy / "stores.parquet").unlink()
    ds = o2o.load(copy)
    with pytest.raises(DataError) as e:
        ds.stores
    _assert_message(e.value, "stores.parquet", "no file")


def test_corrupt_table_file(copy):
    data = (copy / "products.parquet").read_bytes()
    (copy / "products.parquet").write_bytes(data[: len(data) // 2])
    with pytest.raises(DataError) as e:
        o2o.load(copy).products
    _assert_message(e.value, "已损坏", "corrupt")


def test_wrong_columns(copy):
    df = pd.read_parquet(copy / "squads.parquet").drop(columns=["size"])
    pq.write_table(pa.Table.from_pandas(df, preserve_index=False), copy / "squads.parquet")
    with pytest.raises(DataError) as e:
        o2o.load(copy).squads
    _assert_message(e.value, "size", "columns")


def test_value_out_of_schema(copy):
    df = pd.read_parquet(copy / "stores.parquet")
    df.loc[0, "format"] = "火星基地"
    pq.write_table(pa.Table.from_pandas(df, preserve_index=False), copy / "stores.parquet")
    with pytest.raises(DataError) as e:
        o2o.load(copy).stores
    _assert_message(e.value, "format", "火星基地", "invalid values")


def test_unknown_table_name(dataset):
    with pytest.raises(DataError) as e:
        dataset.table("salez")
    assert "salez" in str(e.value) and "daily_sales" in str(e.value)


def test_check_detects_a_changed_file(copy):
    df = pd.read_parquet(copy / "scenes.parquet")
    df.loc[0, "budget_yuan"] += 1
    pq.write_table(pa.Table.from_pandas(df, preserve_index=False), copy / "scenes.parquet")
    with pytest.raises(DataError) as e:
        check(copy, integrity=False)
    _assert_message(e.value, "scenes.parquet", "differs")


def test_a_failed_load_loses_nothing(copy):
    """Loading never writes: a broken dataset stays exactly as it was for inspection."""
    before = {p.name: p.read_bytes() for p in copy.iterdir() if p.is_file() and not p.is_symlink()}
    (copy / "products.parquet").write_bytes(b"garbage")
    with pytest.raises(DataError):
        o2o.load(copy).products
    after = {p.name: p.read_bytes() for p in copy.iterdir() if p.is_file() and not p.is_symlink()}
    assert after["products.parquet"] == b"garbage"
    assert {k: v for k, v in after.items() if k != "products.parquet"} == \
        {k: v for k, v in before.items() if k != "products.parquet"}
