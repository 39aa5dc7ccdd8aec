"""datasets/README.md is the data dictionary generated from the schema; it must be up to date."""

from pathlib import Path

from o2o.data.docs import render_readme
from o2o.data.schema import TABLES

README = Path(__file__).resolve().parents[2] / "datasets" / "README.md"


def test_readme_is_generated_from_the_schema():
    assert README.read_text(encoding="utf-8") == render_readme(), "run `o2o data docs` to regenerate"


def test_every_column_is_documented_in_both_languages():
    text = README.read_text(encoding="utf-8")
    for t in TABLES.values():
        assert f"`{t.name}`" in text
        for name, c in t.columns.items():
            assert f"`{name}`" in text and c.zh and c.en
