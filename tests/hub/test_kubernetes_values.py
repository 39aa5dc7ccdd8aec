"""deploy/kubernetes/values.yaml is valid for the pinned Zero to JupyterHub chart.

Z2JH's schema describes a *complete* values file, so a partial file must first be
merged over the chart's own values.yaml (both vendored from chart 4.4.0, with their
licence) - exactly what helm does - and the merge is then validated (draft-07).
"""

from __future__ import annotations

import copy
from pathlib import Path

import jsonschema
import pytest
import yaml

ROOT = Path(__file__).resolve().parents[2]
K8S = ROOT / "deploy" / "kubernetes"
CHART = K8S / "z2jh-4.4.0"


def merge(base, over):
    """helm's merge of values: maps merge key by key, everything else (lists too) replaces."""
    if isinstance(base, dict) and isinstance(over, dict):
        out = dict(base)
        for key, value in over.items():
            out[key] = merge(base[key], value) if key in base else copy.deepcopy(value)
        return out
    return copy.deepcopy(over)


@pytest.fixture(scope="module")
def schema():
    return yaml.safe_load((CHART / "values.schema.yaml").read_text("utf-8"))


def merged_values() -> dict:
    chart = yaml.safe_load((CHART / "values.yaml").read_text("utf-8"))
    ours = yaml.safe_load((K8S / "values.yaml").read_text("utf-8"))
    return merge(chart, ours)


def test_vendored_chart_files_carry_their_licence():
    text = (CHART / "LICENSE").read_text("utf-8")
    assert "BSD 3-Clause License" in text and "Project Jupyter Contributors" in text


def test_values_merged_over_the_chart_defaults_match_the_chart_schema(schema):
    jsonschema.Draft7Validator.check_schema(schema)
    errors = sorted(jsonschema.Draft7Validator(schema).iter_errors(merged_values()), key=lambda e: list(e.path))
    assert not errors, "\n".join(f"{'.'.join(map(str, e.path))}: {e.message}" for e in errors[:10])


def test_the_validation_catches_a_misspelt_key(schema):
    bad = merged_values()
    bad["singleuser"]["memroy"] = {"limit": "3G"}
    assert list(jsonschema.Draft7Validator(schema).iter_errors(bad))


def test_a_partial_file_alone_fails_the_schema(schema):
    ours = yaml.safe_load((K8S / "values.yaml").read_text("utf-8"))
    assert list(jsonschema.Draft7Validator(schema).iter_errors(ours)), "the schema requires the chart's defaults"


def test_cohort_size_and_limits_agree_with_the_sizing_table():
    v = merged_values()
    assert v["hub"]["activeServerLimit"] == 500
    assert v["cull"]["enabled"] and v["cull"]["timeout"] == 3600
    assert v["singleuser"]["memory"] == {"guarantee": "1G", "limit": "3G"}
    doc = (ROOT / "docs" / "hub.md").read_text("utf-8")
    assert "| 500 |" in doc and "1G" in doc and "3G" in doc
