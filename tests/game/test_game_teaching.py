"""The game's teaching material: the debrief notebook runs, the lesson's analysis, and every number in the docs."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from o2o.game.analysis import demo_game, fivew_separation, team_summary
from o2o.game.params import DEFAULT_GAME_PARAMS, GameParams
from o2o.scenes.catalog import BATTLE_PROFILES

ROOT = Path(__file__).resolve().parents[2]


def test_the_demo_game_is_finished_and_ranked(dataset):
    rec, names = demo_game(dataset)
    s = team_summary(rec, names)
    assert len(s) == 6 and sorted(s["rank"]) == list(range(1, 7))
    assert rec.results["round"].nunique() == 4
    sep = fivew_separation([s])
    assert set(sep.index) == {"Who", "What", "Way", "Why", "Worth"}
    assert sep["gap"].is_monotonic_decreasing


@pytest.mark.slow
def test_debrief_notebook_runs():
    from o2o.notebook_runner import run_notebook

    result = run_notebook(ROOT / "course" / "班长战争复盘.ipynb", timeout=600)
    assert result.ok, result.error
    assert "12 个商圈合计" in result.stdout
    assert result.mimetypes.count("application/vnd.plotly.v1+json") == 2


def _number(text: str) -> float:
    return float(text.replace(",", "").rstrip("% ")) / (100.0 if text.endswith("%") else 1.0)


@pytest.mark.parametrize("doc", ["docs/game-model.md", "docs/game-guide.md"])
def test_every_parameter_quoted_in_the_docs_is_the_models(doc):
    """"`name` = value" and "`name` value" for a GameParams field must state the field's value."""
    text = (ROOT / doc).read_text(encoding="utf-8")
    fields = GameParams.__dataclass_fields__
    found = 0
    for name, value in re.findall(r"`(\w+)`\s*=?\s*([0-9][0-9,]*(?:\.[0-9]+)?(?: ?%)?)", text):
        if name not in fields or name == "scene":
            continue
        actual = getattr(DEFAULT_GAME_PARAMS, name)
        if isinstance(actual, tuple):
            continue
        stated = _number(value)
        assert stated == pytest.approx(actual), f"{doc}: {name} is {actual}, the text says {value}"
        found += 1
    assert found >= (15 if doc.endswith("model.md") else 3)


def test_tier_values_and_losses_in_the_model_doc():
    text = (ROOT / "docs/game-model.md").read_text(encoding="utf-8")
    fv = " / ".join(f"{v:g}" for v in DEFAULT_GAME_PARAMS.fan_value)
    assert fv in text
    loss = " / ".join(f"{100 * v:g}" for v in DEFAULT_GAME_PARAMS.rival_fan_loss)
    assert loss + " %" in text


def test_every_game_parameter_is_documented():
    text = (ROOT / "docs/game-model.md").read_text(encoding="utf-8")
    missing = [f for f in GameParams.__dataclass_fields__ if f != "scene" and f"`{f}`" not in text and f not in text]
    assert not missing, missing


def test_the_ad_cost_share_in_the_model_doc_is_the_simulators():
    """The game charges ads at the battle's ``ad_cost``, the same share the scene simulator uses."""
    text = (ROOT / "docs/game-model.md").read_text(encoding="utf-8")
    stated = re.search(r"告知巨头优惠 ([0-9.]+), the platform co-funds", text)
    assert stated, "docs/game-model.md no longer states the ad share of 告知巨头优惠"
    assert float(stated.group(1)) == pytest.approx(BATTLE_PROFILES["告知巨头优惠"].ad_cost)
    others = {p.ad_cost for name, p in BATTLE_PROFILES.items() if name != "告知巨头优惠"}
    assert others == {1.0}
