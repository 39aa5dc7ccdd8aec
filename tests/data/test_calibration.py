"""The default dataset's calibration figures lie inside their documented ranges."""

from __future__ import annotations

from o2o.data.calibration import TARGETS
from o2o.data.calibration_check import calibration_table


def test_every_target_has_a_source_or_says_assumption():
    for t in TARGETS:
        assert t.source.strip(), t.key
        assert "assumption" in t.source or "讲" in t.source, t.key
        assert t.low < t.high


def test_default_dataset_is_calibrated(dataset):
    table = calibration_table(dataset)
    bad = table[~table["ok"]]
    assert bad.empty, bad[["key", "value", "low", "high"]].to_string()
