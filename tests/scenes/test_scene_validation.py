"""Every invalid scene design is rejected with a Chinese and English message that says what to change."""

from __future__ import annotations

from datetime import date

import pytest

from o2o.errors import SceneError
from o2o.scenes import PROBLEM_CODES, Scene

SQUAD = dict(name="周末满减", scene_type="促销", battle="引流入店", initiator="一线小分队", squad_id=103,
             idea_date=date(2015, 9, 1), launch_date=date(2015, 9, 3), duration_days=7, channels=("朋友圈", "店内"),
             personalization=0.7, incentive_type="满减", incentive_yuan=5.0, budget_yuan=3000.0, target_tier="活跃粉")
HQ = dict(SQUAD, initiator="总部市场部", squad_id=None, target_city="东莞", channels=("广告", "店内"),
          budget_yuan=50000.0, target_tier="全部")

# code -> (base, changes, a phrase of the Chinese message, a phrase of the English message)
CASES = {
    "name_empty": (SQUAD, dict(name=" "), "起一个名字", "give it one"),
    "scene_type_unknown": (SQUAD, dict(scene_type="直播"), "场景类型", "Unknown scene type"),
    "battle_unknown": (SQUAD, dict(battle="秒杀"), "不在第18讲的清单", "not in lecture 18"),
    "battle_wrong_type": (SQUAD, dict(battle="付满送"), "把类型改为「支付」", "set the type to '支付'"),
    "initiator_unknown": (SQUAD, dict(initiator="店长"), "发起方「店长」不存在", "Unknown initiator"),
    "squad_missing": (SQUAD, dict(squad_id=None), "必须指定 squad_id", "needs a squad_id"),
    "squad_target_city": (SQUAD, dict(target_city="深圳"), "删除 target_city", "remove target_city"),
    "hq_with_squad": (HQ, dict(squad_id=103), "请删除 squad_id", "remove squad_id"),
    "date_invalid": (SQUAD, dict(idea_date="下周"), "不是日期", "is not a date"),
    "date_ambiguous": (SQUAD, dict(idea_date="08/09/2015"), "有歧义", "is ambiguous"),
    "duration_invalid": (SQUAD, dict(duration_days=2.5), "不是整数", "not a whole number"),
    "duration_nonpositive": (SQUAD, dict(duration_days=0), "结束日早于上线日", "end before it starts"),
    "duration_too_long": (SQUAD, dict(duration_days=200), "短仗", "short battle"),
    "launch_before_idea": (SQUAD, dict(idea_date=date(2015, 9, 10)), "早于创意日期", "before the idea"),
    "lead_too_long": (SQUAD, dict(idea_date=date(2014, 1, 1)), "创意日期改得更近", "move the idea date closer"),
    "date_outside_year": (SQUAD, dict(launch_date=date(2015, 12, 28)), "2015 年内", "within 2015"),
    "channels_empty": (SQUAD, dict(channels=()), "至少选一个", "at least one"),
    "channel_unknown": (SQUAD, dict(channels=("朋友圈", "抖音")), "渠道「抖音」不存在", "Unknown channel"),
    "channel_duplicate": (SQUAD, dict(channels=("朋友圈", "朋友圈")), "重复", "twice"),
    "personalization_range": (SQUAD, dict(personalization=1.5), "0 到 1 之间", "between 0 and 1"),
    "incentive_type_unknown": (SQUAD, dict(incentive_type="抽奖"), "激励方式「抽奖」不存在", "Unknown incentive"),
    "incentive_negative": (SQUAD, dict(incentive_yuan=-2.0), "不小于 0", "0 or more"),
    "incentive_value_without_type": (SQUAD, dict(incentive_type="无", incentive_yuan=3.0), "把价值改为 0",
                                     "set the value to 0"),
    "incentive_missing_value": (SQUAD, dict(incentive_yuan=0.0), "每次核销给顾客的价值", "value per redemption"),
    "budget_negative": (SQUAD, dict(budget_yuan=-100.0), "预算", "budget"),
    "target_tier_unknown": (SQUAD, dict(target_tier="黄金粉"), "目标粉丝层级", "Unknown target tier"),
    "store_unknown": (HQ, dict(store_ids=(1, 999)), "数据中没有这些门店:999", "not in the data: 999"),
    "squad_unknown": (SQUAD, dict(squad_id=999), "没有编号为 999 的小分队", "no squad 999"),
    "squad_other_store": (SQUAD, dict(store_ids=(5,)), "属于门店 3", "belongs to store 3"),
    "city_unknown": (HQ, dict(target_city="北京"), "没有城市「北京」", "no city '北京'"),
    "store_not_in_city": (HQ, dict(store_ids=(2,)), "不在东莞", "not in 东莞"),
    "budget_below_incentive": (SQUAD, dict(budget_yuan=10.0), "提高到 15 元以上", "Raise the budget to 15 yuan"),
    "ad_budget_too_small": (SQUAD, dict(channels=("广告", "朋友圈"), incentive_type="无", incentive_yuan=0.0,
                                        budget_yuan=50.0), "去掉「广告」渠道", "drop the 广告 channel"),
}


def test_every_problem_code_has_a_case():
    assert set(CASES) == set(PROBLEM_CODES)


def test_valid_designs_have_no_problems(small_world):
    assert Scene(**SQUAD).check(small_world) == []
    assert Scene(**HQ).check(small_world) == []
    assert Scene(**SQUAD).validate(small_world).squad_id == 103


@pytest.mark.parametrize("code", sorted(CASES))
def test_each_invalid_design_is_rejected_with_its_message(code, small_world):
    base, changes, zh, en = CASES[code]
    scene = Scene(**dict(base, **changes))
    probs = scene.problems(small_world)
    hit = [p for p in probs if p.code == code]
    assert hit, f"{code} not reported; got {[p.code for p in probs]}"
    assert zh in hit[0].zh, hit[0].zh
    assert en in hit[0].en, hit[0].en
    with pytest.raises(SceneError) as err:
        scene.validate(small_world)
    text = str(err.value)
    assert hit[0].zh in text and hit[0].en in text
    assert hit[0].zh in scene.check(small_world, lang="zh")
    assert hit[0].en in scene.check(small_world, lang="en")


def test_several_problems_are_listed_together(small_world):
    scene = Scene(**dict(SQUAD, channels=(), personalization=-1, target_tier="x"))
    codes = {p.code for p in scene.problems(small_world)}
    assert {"channels_empty", "personalization_range", "target_tier_unknown"} <= codes


def test_minimum_budget_counts_target_stores_and_ads(small_world):
    scene = Scene(**dict(HQ, store_ids=(), target_city=None, channels=("店内",)))
    # 12 stores x 3 redemptions x 5 yuan
    assert scene.minimum_budget(12) == pytest.approx(180.0)
    assert scene.with_changes(channels=("广告", "店内")).minimum_budget(12) == pytest.approx(360.0)
    low = scene.with_changes(budget_yuan=170.0)
    assert "budget_below_incentive" in {p.code for p in low.problems(small_world)}
    assert low.with_changes(budget_yuan=180.0).problems(small_world) == []


def test_normalises_inputs():
    s = Scene(**dict(SQUAD, channels="朋友圈|店内", idea_date="2015-09-01", store_ids=[3], duration_days=7.0))
    assert s.channels == ("朋友圈", "店内")
    assert s.idea_date == date(2015, 9, 1) and s.store_ids == (3,) and s.duration_days == 7
    assert s.end_date == date(2015, 9, 9) and s.lead_days == 2
