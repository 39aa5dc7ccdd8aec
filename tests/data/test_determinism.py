"""Same seed, same bytes; another seed, other data; interrupted builds leave nothing behind."""

from __future__ import annotations

import json

import numpy as np
import pandas as pd
import pytest

from o2o.casegen import build
from o2o.casegen.chain import make_stores
from o2o.casegen.panel import generate_store


@pytest.mark.slow
def test_rebuilding_with_the_same_seed_gives_identical_files(dataset_dir, tmp_path):
    """A second build, in another process and folder, reproduces every file's content hash."""
    meta = json.loads((dataset_dir / "meta.json").read_text(encoding="utf-8"))
    out = build(tmp_path / "again", scale=meta["scale"], seed=meta["seed"], progress=False)
    again = json.loads((out / "meta.json").read_text(encoding="utf-8"))
    assert again["files"] == meta["files"]
    assert not list(tmp_path.glob(".again.*")), "temporary build folders must be cleaned up"


def test_another_seed_gives_other_stores():
    a = make_stores(np.random.default_rng([1, 0]))
    b = make_stores(np.random.default_rng([2, 0]))
    c = make_stores(np.random.default_rng([1, 0]))
    pd.testing.assert_frame_equal(a, c)
    assert not np.allclose(a["lat"].to_numpy()[:100], b["lat"].to_numpy()[:100])


def test_generators_never_touch_numpy_global_state():
    np.random.seed(123)
    before = np.random.get_state()[1].copy()
    make_stores(np.random.default_rng(5))
    assert (np.random.get_state()[1] == before).all()


def test_bad_scale_is_refused(tmp_path):
    from o2o.errors import DataError

    with pytest.raises(DataError, match="scale"):
        build(tmp_path / "x", scale=0, progress=False)
    assert not (tmp_path / "x").exists()
