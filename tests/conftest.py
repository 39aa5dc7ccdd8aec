"""Shared fixtures: the default dataset, built once if it is missing."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]


@pytest.fixture(scope="session")
def dataset_dir() -> Path:
    """The default dataset's folder (``make test`` builds it first; built here if missing)."""
    from o2o.casegen import build
    from o2o.data import default_data_dir
    from o2o.data.load import Dataset
    from o2o.errors import DataError

    path = Path(os.environ.get("O2O_DATA_DIR", ROOT / "datasets" / "default"))
    try:
        Dataset(path)
    except DataError:
        build(path, progress=False)
    assert default_data_dir() == path or os.environ.get("O2O_DATA_DIR")
    return path


@pytest.fixture(scope="session")
def dataset(dataset_dir):
    """The default dataset, opened once for the whole test session (tables load lazily)."""
    import o2o

    return o2o.load(dataset_dir)
