"""Render ``datasets/README.md``, the bilingual data dictionary, from the schema and calibration.

``o2o data docs`` rewrites the file; a test fails when the committed file is out of date.
"""

from __future__ import annotations

from . import calibration as cal
from . import variants as V
from .schema import FOREIGN_KEYS, TABLES

HEADER = """# 数据字典 · Data dictionary

> **本数据为合成数据,仅供教学使用,不是美宜佳或任何公司的真实记录。**
> **Synthetic data for teaching. These are not the records of Meiyijia or of any company.**
>
> 数据由 `o2o data build` 按随机种子确定性地生成(同一种子,逐字节相同)。默认数据集位于
> `datasets/default/`,由 `make data` 生成(`make lab` / `make test` 在缺失时自动生成)。
> The data is generated deterministically from a seed by `o2o data build` (same seed, same bytes).
> The default dataset lives in `datasets/default/` and is built by `make data`
> (`make lab` and `make test` build it when it is missing).

## 这是什么 · What it is

一家“美宜佳式”的广东便利店连锁在 2015 年的一年:约 7,000 家门店(东莞最密集)、员工与一线小分队、
商品、会员(粉丝)及其月度分层、每家店每天的销售、历史营销场景及其逐日数据,以及 2015 年 8 月
“店长和店员成为门店股东”的直营店试点与对照组。小票级明细(会员、小票、商品行、优惠券、微信转发)
只覆盖“样本门店”(`stores.in_panel`),默认 6 家(一半试点、一半对照);`--scale N` 生成 6×N 家,
`--full` 生成全部门店(流式写入分区 Parquet,可用 `ds.scan(...)` 或 `ds.duckdb()` 惰性聚合)。

A year (2015) of a Meiyijia-style convenience chain in Guangdong: about 7,000 stores (densest in
Dongguan), staff and front-line squads, products, members (fans) and their monthly tiers, daily sales
of every store, historical marketing scenes with their day-by-day outcomes, and the August-2015 pilot
in which direct-operated stores' managers and clerks became shareholders, with a matched control group.
Ticket-level detail (members, tickets, line items, coupons, WeChat shares) covers the *panel* stores
(`stores.in_panel`): 6 by default (half pilot, half control); `--scale N` gives 6×N stores and `--full`
every store (streamed to partitioned Parquet; aggregate lazily with `ds.scan(...)` or `ds.duckdb()`).

The store count, the Dongguan base and the August-2015 shareholder pilot in direct-operated stores follow
lecture 18 of Zhang Bo's series (O2OPark, 2015). Everything else is the kit's construction.

```python
import o2o
ds = o2o.load()          # tables load on first use and are checked against this dictionary
ds.daily_sales.head()
```
"""


def render_readme() -> str:
    out = [HEADER]
    out.append("## 校准目标 · Calibration targets\n")
    out.append("测试检查默认数据集的每个指标都落在范围内。 The tests check that the default dataset "
               "lies inside every range.\n")
    out.append("| 指标 | figure | unit | range | source |\n|---|---|---|---|---|")
    for t in cal.TARGETS:
        out.append(f"| {t.zh} | {t.en} | {t.unit} | {t.low:g} – {t.high:g} | {t.source} |")
    out.append("")
    out.append("## 植入的试点效应 · The planted pilot effect\n")
    out.append(
        f"试点门店({cal.N_PILOT} 家东莞直营店)自 {cal.PILOT_START.isoformat()} 起:基础日销售额 "
        f"×{1 + cal.PILOT_SALES_EFFECT:.2f},每日新增会员 ×{1 + cal.PILOT_MEMBER_EFFECT:.2f},"
        f"小分队发起场景的频率 ×{cal.PILOT_SCENE_RATE_RATIO:g};试点门店的粉丝分层也向上移动。"
        f"对照组为 {cal.N_CONTROL} 家按业态匹配、2014 年前开业的直营店。试点门店多做的场景还会带来额外销售,"
        f"其大小写在 `meta.json` 的 `pilot_truth.sales_effect_from_extra_scenes`;对数销售额的双重差分应找到 "
        f"`pilot_truth.sales_effect_total`。这些效应是本套件为教学设定的,不是对真实试点的估计。\n")
    out.append(
        f"From {cal.PILOT_START.isoformat()} the {cal.N_PILOT} pilot stores (direct-operated, Dongguan) get: "
        f"baseline daily sales ×{1 + cal.PILOT_SALES_EFFECT:.2f}, new members per day "
        f"×{1 + cal.PILOT_MEMBER_EFFECT:.2f}, squad-initiated scenes ×{cal.PILOT_SCENE_RATE_RATIO:g}, and fan "
        f"tiers shift upward. The {cal.N_CONTROL} control stores are direct-operated stores opened before 2014, "
        "matched on format. The pilot's extra scenes add sales of their own, recorded in `meta.json` as "
        "`pilot_truth.sales_effect_from_extra_scenes`; a difference-in-differences on log sales should find "
        "`pilot_truth.sales_effect_total`. These effects are set by the kit for teaching; they are not "
        "estimates of the real pilot.\n")
    out.extend(_counter_examples_section())
    out.extend(_variants_section())
    out.append("## 数据表 · Tables\n")
    out.append("类别型的值是中文(学员直接用它们筛选),列名是英文。日期为当天零点的时间戳。"
               "Category values are Chinese (students filter with them); column names are English. "
               "Dates are midnight timestamps.\n")
    for t in TABLES.values():
        scope = "样本门店 · panel stores" if t.panel else "全部门店 · every store"
        key = f"key: `{', '.join(t.key)}`" if t.key else "no key"
        out.append(f"### `{t.name}` — {t.zh} · {t.en}\n")
        out.append(f"{scope}; {key}; file: `{t.name}{'/part-*.parquet' if t.panel else '.parquet'}`\n")
        out.append("| column | type | unit | 含义 | meaning | values |\n|---|---|---|---|---|---|")
        for name, c in t.columns.items():
            vals = " / ".join(map(str, c.values)) if c.values else ""
            if c.min is not None or c.max is not None:
                rng = f"{'' if c.min is None else f'≥ {c.min:g}'}{' ' if c.min is not None and c.max is not None else ''}{'' if c.max is None else f'≤ {c.max:g}'}"
                vals = f"{vals} {rng}".strip()
            null = " (可空 nullable)" if c.nullable else ""
            out.append(f"| `{name}` | {c.dtype}{null} | {c.unit} | {c.zh} | {c.en} | {vals} |")
        out.append("")
    out.append("## 表间关系 · References\n")
    for (t, c), (rt, rc) in FOREIGN_KEYS:
        out.append(f"- `{t}.{c}` → `{rt}.{rc}`")
    out.append("")
    out.append("## 重新生成 · Rebuilding\n")
    out.append("```bash\nmake data                                   # 默认数据集 / the default dataset\n"
               "make data-big SCALE=16                      # 16 倍样本门店 / 16x the panel stores\n"
               ".venv/bin/o2o data build --full --out datasets/full   # 全部门店的小票明细 / every store's tickets\n"
               ".venv/bin/o2o data check                    # 校验 / validate\n```\n")
    return "\n".join(out)


def _variants_section() -> list[str]:
    """The ranges a student's variant is drawn from (:mod:`o2o.data.variants`)."""
    lo_s, hi_s = V.SALES_LIFT_RANGE
    lo_m, hi_m = V.MEMBER_LIFT_RANGE
    return [
        "## 每位学生的数据版本 · Per-student variants\n",
        "配置了课程密钥时,`o2o.load()` 给每位学生一个自己的数据版本:磁盘上仍是同一份数据,读取 `daily_sales` 时"
        "把试点门店自试点开始的销售额、毛利、小票数按比例重新缩放,新增会员同理(随机取整,无偏)。"
        "版本由课程密钥和学生编号经 HMAC-SHA256 得出,老师可以复现,学生无法猜出别人的版本。"
        "Ticket-level tables keep the base case's rows. 参数的范围 / the parameters' ranges:\n",
        "| 参数 parameter | 基础数据 base case | 学生版本 variant (uniform) |\n|---|---|---|",
        f"| 试点对日销售额的植入效应 pilot effect on daily sales | {cal.PILOT_SALES_EFFECT:g} | {lo_s:g} – {hi_s:g} |",
        f"| 试点对每日新增会员的植入效应 pilot effect on new members | {cal.PILOT_MEMBER_EFFECT:g} | {lo_m:g} – {hi_m:g} |",
        "",
        "此外,每份作业的题目从学生的版本里选出自己问的门店、城市、月份、小分队或时段(每份作业各题的取值范围见 "
        "`docs/variants.md` 的 “Which questions use the variant” 一节,`o2o variant show` 给出某位学生的全部取值);"
        "这些选择只挑共享数据的子集,不改数据。 Besides, every assignment's questions pick the store, city, month, "
        "squad or period they ask about from the student's variant (ranges per question in `docs/variants.md`, "
        "\"Which questions use the variant\"; `o2o variant show` prints one student's values); these choices select "
        "from the shared data and change none of it.\n",
        "每个版本的 `meta.json` 视图(`ds.meta[\"pilot_truth\"]`)写明它自己的植入效应;"
        "场景历史(包括亏钱的小分队场景)与基础数据相同。 Each variant's `ds.meta[\"pilot_truth\"]` states its own "
        "planted effects; the historical scenes (squad scenes that lose money included) are the base case's. "
        "See `docs/variants.md`.\n",
    ]


def _counter_examples_section() -> list[str]:
    """The planted counter-examples: where the data pushes back on lecture 18 (the kit's construction)."""
    n = cal.WEAK_LEADER_SQUADS
    lo, hi = cal.WEAK_LEADER_CAPABILITY
    below = cal.WEAK_LEADER_BELOW
    return [
        "## 植入的反例 · Planted counter-examples\n",
        "数据并不处处附和第18讲。下面几条是本套件为教学设定的“反例”,让学员学会找例外(第19、20、22、26、35讲);"
        "它们是本套件的构建,不是讲座的结论,也不是对任何企业的估计。`tests/data/test_counter_examples.py` "
        "用课程自己的分组方法(`o2o.analysis.counter_examples`)把每一条找回来,方向和门槛写在括号里。\n",
        "1. **小分队场景亏钱的条件。** (a) 门店亏损:模拟器里小分队的活动强度随门店利润下降,利润为零或为负时只剩 "
        "30%;这类门店的小分队场景每元成本增量毛利低于 0.7、七成以上亏钱,而班长能力正常、门店盈利充足、两周内没有"
        f"别的场景的小分队场景至少 1.0。(b) 班长能力弱:{n} 支门店盈利充足、不在试点和对照组、不在样本门店里的小分队,"
        f"班长按资历任命,能力分在 {lo:g}–{hi:g} 之间(其余班长都在 {below:g} 以上);它们上线场景的频率与同类小分队相同,"
        f"只是做得差:盈利充足门店里能力低于 {below:g} 的班长每元低于 0.8,其他班长至少 1.0。`meta.json` 的 "
        "`planted_truth.weak_leader_squads` 列出它们;场景最多的一支(并列时取编号最小的)是第26讲的案例,每元不到 1、"
        "多数场景亏钱。(c) 重复场景:粉丝疲劳使同一家店近期做过的场景越多,新场景的参与度越低(模拟模型的 "
        "`fatigue_per_scene`、`fatigue_days`);按上线前 14 天内同店的场景数 0、1、2+ 分组,转化率和每元毛利逐组下降,"
        "2+ 组的转化率至少低 20%。",
        "2. **总部场景赚钱的条件。** 告知巨头优惠:支付平台承担优惠的 80%,也承担宣传它的广告费的 80%(模拟模型的 "
        "`BATTLE_PROFILES`)。总部的这类场景只要在店内告知,每一个都回本(合计每元至少 1.2);其他总部场景合计低于 0.6。\n",
        "The data does not agree with lecture 18 everywhere. These counter-examples are set by the kit for teaching "
        "(lessons 19, 20, 22, 26, 35 ask students to find them); they are the kit's construction, not the lecture's "
        "claims and not estimates of any company. `tests/data/test_counter_examples.py` recovers each with the course's "
        "own groupings (`o2o.analysis.counter_examples`), with the direction and threshold stated here.\n",
        "1. **When a squad scene loses money.** (a) A loss-making store: in the simulator a squad's activity falls with "
        "its store's profit, to 30% at zero or negative profit; such stores' squad scenes return below 0.7 yuan of "
        "incremental margin per yuan and over 70% of them lose money, while scenes with a capable leader, a store that "
        "earns well and no scene in the two weeks before return at least 1.0. "
        f"(b) A weak leader: in {n} squads of stores that earn well, outside the pilot, its control group and the panel, "
        f"the leader was appointed by seniority, with capability {lo:g}–{hi:g} (every other leader is above {below:g}); "
        "they launch scenes as often as their peers and run them worse: in stores that earn well, leaders below "
        f"{below:g} return below 0.8 per yuan, the others at least 1.0. `meta.json` lists them in "
        "`planted_truth.weak_leader_squads`; the one with the most scenes (the lowest id among equals) is lesson 26's "
        "case, below 1 per yuan with most of its scenes losing money. (c) Repeated scenes: fatigue lowers a scene's "
        "engagement with the scenes launched at the same store shortly before (`fatigue_per_scene`, `fatigue_days` "
        "of the scene model); grouped by the store's scenes in the 14 days before (0, 1, 2+), conversion and margin "
        "per yuan fall at each step and the 2+ group converts at least 20% less.",
        "2. **When an HQ scene pays.** Telling customers of a payment giant's offer: the platform funds 80% of the "
        "offer and 80% of the media announcing it (the scene model's `BATTLE_PROFILES`). Every such HQ scene that also "
        "announces it in store pays (together at least 1.2 per yuan); the other HQ scenes together return below 0.6.\n",
    ]
