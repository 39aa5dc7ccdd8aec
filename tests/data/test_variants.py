"""Per-student variants: reproducible from id + secret, different between students in every autograded answer,
their planted truths recovered by the course's own methods, cheap to build."""

from __future__ import annotations

import ctypes
import gc
import hashlib
import subprocess
import sys
import time

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings, strategies as st

import o2o
from o2o.assignments.answers import M4_TOLERANCE, TOLERANCE, answers as expected_answers, m4_answers, same_answer
from o2o.data import variant_questions as VQ
from o2o.data import variants as V
from o2o.data.load import Dataset
from o2o.scenes import did, pilot_panel

SECRET = b"course-secret-for-the-tests-0123456789"
STUDENTS = ("s01", "s02", "s03")


@pytest.fixture(scope="module")
def secret_file(tmp_path_factory):
    p = tmp_path_factory.mktemp("secret") / "variant-secret"
    p.write_bytes(SECRET + b"\n")
    return p


@pytest.fixture(scope="module")
def variants(dataset_dir):
    return {s: V.VariantDataset(dataset_dir, validate=False, variant=V.from_key(V.variant_key(SECRET, s)))
            for s in STUDENTS}


@pytest.fixture(scope="module")
def answers(variants, dataset):
    out = {s: m4_answers(ds) for s, ds in variants.items()}
    out["base"] = m4_answers(dataset)
    return out


def _digest(df: pd.DataFrame) -> str:
    h = hashlib.sha256()
    for c in df.columns:
        h.update(np.ascontiguousarray(df[c].to_numpy()).tobytes())
    return h.hexdigest()


def test_key_is_hmac_of_id_under_secret_and_parameters_stay_in_documented_ranges():
    k = V.variant_key(SECRET, "s01")
    assert k == V.variant_key(SECRET, "s01") and len(k) == 64
    assert k != V.variant_key(SECRET, "s02") and k != V.variant_key(SECRET + b"x", "s01")
    for i in range(200):
        v = V.from_key(V.variant_key(SECRET, f"student-{i}"))
        assert V.SALES_LIFT_RANGE[0] <= v.sales_lift <= V.SALES_LIFT_RANGE[1]
        assert V.MEMBER_LIFT_RANGE[0] <= v.member_lift <= V.MEMBER_LIFT_RANGE[1]
        assert 0 <= v.store_pick < V.N_STORE_PICKS


def test_same_id_and_secret_give_identical_bytes(dataset_dir, variants):
    again = V.VariantDataset(dataset_dir, validate=False, variant=V.from_key(V.variant_key(SECRET, "s01")))
    assert _digest(again.daily_sales) == _digest(variants["s01"].daily_sales)
    assert again.meta == variants["s01"].meta
    assert _digest(variants["s01"].daily_sales) != _digest(variants["s02"].daily_sales)


def test_a_variant_sharing_an_open_base_has_the_same_bytes_and_leaves_the_base_alone(dataset, variants):
    before = _digest(dataset.daily_sales)
    shared = V.VariantDataset(validate=False, variant=variants["s02"].variant, base=dataset)
    assert _digest(shared.daily_sales) == _digest(variants["s02"].daily_sales)
    assert shared.stores is dataset.stores and _digest(dataset.daily_sales) == before


def test_a_variant_only_changes_pilot_stores_after_the_pilot_start(dataset, variants):
    base, var = dataset.daily_sales, variants["s01"].daily_sales
    pilot = dataset.stores.loc[dataset.stores["pilot_group"] == "试点", "store_id"]
    touched = base["store_id"].isin(pilot) & (base["date"] >= pd.Timestamp("2015-08-01"))
    assert base[~touched].equals(var[~touched])
    ratio = var.loc[touched, "sales_yuan"].sum() / base.loc[touched, "sales_yuan"].sum()
    v = variants["s01"].variant
    assert ratio == pytest.approx((1 + v.sales_lift) / 1.08, rel=1e-6)
    assert (var["member_tickets"] <= var["tickets"]).all() and (var["new_members"] >= 0).all()


def test_two_students_differ_in_every_autograded_answer(answers):
    for a, b in (("s01", "s02"), ("s02", "s03"), ("s01", "s03")):
        for gid in M4_TOLERANCE:
            assert not same_answer(gid, answers[a][gid], answers[b][gid]), (a, b, gid)
            assert same_answer(gid, answers[a][gid], answers[a][gid])


@pytest.fixture(scope="module")
def other_answers(variants):
    """Every other assignment's expected answers in each student's variant (m4's are ``answers``)."""
    return {s: {a: expected_answers(a, ds) for a in VQ.QUESTIONS} for s, ds in variants.items()}


@pytest.mark.parametrize("assignment", list(VQ.QUESTIONS))
def test_two_students_differ_in_every_autograded_answer_of_every_assignment(other_answers, assignment):
    tol = TOLERANCE[assignment]
    for a, b in (("s01", "s02"), ("s02", "s03"), ("s01", "s03")):
        assert set(other_answers[a][assignment]) == set(tol)
        for gid in tol:
            x, y = other_answers[a][assignment][gid], other_answers[b][assignment][gid]
            assert not same_answer(gid, x, y, tol), (assignment, a, b, gid, x, y)
            assert same_answer(gid, x, x, tol)


def test_question_dimensions_stay_in_documented_ranges_and_are_reproducible(dataset):
    """Over 80 students: every store, city, squad, period, threshold and seed is one the docs name."""
    st = dataset.stores
    old = set(st.loc[st["open_date"] < pd.Timestamp("2015-01-01"), "store_id"])
    panel = set(st.loc[st["in_panel"], "store_id"])
    squads = dataset.scenes[dataset.scenes["initiator"] == "一线小分队"].groupby("squad_id").size()
    year = (pd.Timestamp("2015-01-01"), pd.Timestamp("2016-01-01"))
    seen = {"m1": set(), "m2": set()}
    for i in range(80):
        v = V.from_key(V.variant_key(SECRET, f"student-{i}"))
        ds = V.VariantDataset(validate=False, variant=v, base=dataset)
        q = {a: VQ.questions(a, ds) for a in VQ.QUESTIONS}
        again = V.VariantDataset(validate=False, variant=V.from_key(V.variant_key(SECRET, f"student-{i}")), base=dataset)
        assert all(VQ.questions(a, again).as_dict() == q[a].as_dict() for a in VQ.QUESTIONS)
        m1, m2, m3, m5, m6 = (q[a] for a in VQ.QUESTIONS)
        assert VQ.MIN_AREA_RANGE[0] <= m1.MIN_AREA <= VQ.MIN_AREA_RANGE[1] and 1 <= m1.MONTH <= 12
        assert m1.STORE in old and m1.FORMAT in set(st["format"])
        for qq, days in ((m2, VQ.M2_DAYS), (m3, VQ.M3_DAYS), (m6, VQ.M6_DAYS)):
            a, b = pd.Timestamp(qq.FROM), pd.Timestamp(qq.UNTIL)
            assert year[0] <= a and b <= year[1] and (b - a).days == days
        assert m2.STORE in panel and m2.PAYMENT in VQ.PAYMENTS and m6.MEMBER_STORE in panel
        assert str(VQ.JOINED_FROM_RANGE[0]) <= m6.JOINED_FROM <= str(VQ.JOINED_FROM_RANGE[1])
        assert squads[m3.SQUAD] >= 3 and m3.STORE in set(dataset.squads["store_id"])
        assert m6.STORE in VQ.m6_stores(dataset)
        assert str(VQ.HIRED_BEFORE_RANGE[0]) <= m5.HIRED_BEFORE <= str(VQ.HIRED_BEFORE_RANGE[1])
        assert str(VQ.PRE_FROM_RANGE[0]) <= m5.PRE_FROM <= str(VQ.PRE_FROM_RANGE[1])
        assert str(VQ.POST_UNTIL_RANGE[0]) <= m5.POST_UNTIL <= str(VQ.POST_UNTIL_RANGE[1])
        assert VQ.ORG_SEED_RANGE[0] <= m5.ORG_SEED <= VQ.ORG_SEED_RANGE[1]
        seen["m1"].add(m1.STORE)
        seen["m2"].add(m2.CITY)
    assert len(seen["m1"]) > 75 and len(seen["m2"]) > 5   # the draws spread over the options
    base = {a: VQ.questions(a, dataset).as_dict() for a in VQ.QUESTIONS}
    assert base["m1-o2o-basics"]["MIN_AREA"] == 0.0 and base["m2-touchpoints"]["FROM"] == "2015-12-01"


def test_questions_are_drawn_once_per_dataset_and_handed_out_as_copies(dataset):
    """A hidden test asks for the questions again: the same dataset gives the same values without a
    second draw, each caller gets its own copy, and another student's dataset its own draw."""
    calls = []
    real = VQ.QUESTIONS["m3-scenes"]
    VQ.QUESTIONS["m3-scenes"] = lambda ds: calls.append(ds) or real(ds)
    try:
        v = V.from_key(V.variant_key(SECRET, "student-memo"))
        ds = V.VariantDataset(validate=False, variant=v, base=dataset)
        first, second = VQ.questions("m3-scenes", ds), VQ.questions("m3-scenes", ds)
        assert first.as_dict() == second.as_dict() and first is not second and len(calls) == 1
        first.values["STORE"] = -1
        assert VQ.questions("m3-scenes", ds).STORE == second.STORE != -1
        other = V.VariantDataset(validate=False, variant=V.from_key(V.variant_key(SECRET, "student-other")),
                                 base=dataset)
        assert VQ.questions("m3-scenes", other).as_dict() == real(other).as_dict() and len(calls) == 2
    finally:
        VQ.QUESTIONS["m3-scenes"] = real


def test_every_variant_store_of_m6_can_meet_question_3_and_every_period_is_well_defined(dataset):
    """The teaching story holds in every variant: the reference scene of m6 q3 passes its thresholds for each
    store a variant may ask about; every 90-day (m3) and 60-day (m6) period has squad and HQ budgets and
    partner scenes with a cost; every panel store has tickets in every 30-day (m2) period and members who
    joined late in the year (m6 q1)."""
    from o2o.scenes import Scene, World, evaluate, simulate

    world = World.from_dataset(dataset)
    for store in VQ.m6_stores(dataset):
        squad = int(dataset.squads.loc[dataset.squads["store_id"] == store, "squad_id"].iloc[0])
        scene = Scene(name="q3", scene_type="支付", battle="附近异业", initiator="一线小分队", squad_id=squad,
                      store_ids=[store], idea_date="2015-12-01", launch_date="2015-12-02", duration_days=7,
                      channels=["朋友圈", "店内"], personalization=0.9, incentive_type="满减", incentive_yuan=5.0,
                      budget_yuan=2000.0, target_tier="全部")
        result = simulate(scene, world, draws=200, seed=2015)
        assert evaluate(result).overall >= 70 and result.totals()["margin_per_yuan"].mean() >= 1.0, store
    tx, members = dataset.transactions, dataset.members
    for store in dataset.stores.loc[dataset.stores["in_panel"], "store_id"]:
        days = np.sort(tx.loc[tx["store_id"] == store, "ts"].dt.normalize().unique())
        edges = np.concatenate([[np.datetime64("2014-12-31")], days, [np.datetime64("2016-01-01")]])
        assert np.diff(edges).max() <= np.timedelta64(VQ.M2_DAYS, "D"), store   # tickets in every m2 period
        late = members[(members["home_store_id"] == store)
                       & (members["join_date"] >= pd.Timestamp(VQ.JOINED_FROM_RANGE[1]))]
        assert len(late) > 0, store   # m6 q1 has members to count from any JOINED_FROM
    sc, daily = dataset.scenes, dataset.scene_daily
    partner = sc[sc["battle"].isin(["异业联盟采购", "附近异业"])]
    for start in pd.date_range("2015-01-01", "2015-12-31"):
        for days, frame in ((VQ.M3_DAYS, sc), (VQ.M6_DAYS, partner)):
            if start + pd.Timedelta(days=days) > pd.Timestamp("2016-01-01"):
                continue
            w = frame[(frame["launch_date"] >= start) & (frame["launch_date"] < start + pd.Timedelta(days=days))]
            if frame is sc:
                squad = w.loc[w["initiator"] == "一线小分队", "budget_yuan"].sum()
                assert 0 < squad < w["budget_yuan"].sum(), start
            else:
                assert daily.loc[daily["scene_id"].isin(w["scene_id"]), "cost_yuan"].sum() > 0, start


@pytest.mark.parametrize("student", STUDENTS)
def test_planted_truths_are_recovered_by_the_course_methods(variants, dataset, student):
    ds = variants[student]
    truth = ds.meta["pilot_truth"]
    sales = did(pilot_panel(ds), outcome="sales_yuan", log=True)
    base_sales = did(pilot_panel(dataset), outcome="sales_yuan", log=True)
    # the pilot helps, and the DiD's interval (log points) holds the variant's planted total effect
    assert sales.ci_low > 0 and sales.ci_low <= np.log1p(truth["sales_effect_total"]) <= sales.ci_high
    # rescaling the pilot's post-period sales moves the log DiD by exactly log of the factor
    assert np.log1p(sales.pct) - np.log1p(base_sales.pct) == pytest.approx(
        np.log((1 + ds.variant.sales_lift) / 1.08), abs=1e-6)
    members = did(pilot_panel(ds, "new_members"), outcome="new_members", log=False)
    panel = pilot_panel(ds, "new_members")
    ctrl_post = panel.loc[~panel["treated"] & panel["post"], "new_members"].mean()
    assert members.ci_low > 0
    assert members.estimate / ctrl_post == pytest.approx(ds.variant.member_lift, abs=0.08)
    # a squad scene can still lose money (the historical scenes are the base case's)
    squad = ds.scenes.loc[ds.scenes["initiator"] == "一线小分队", "scene_id"]
    daily = ds.scene_daily[ds.scene_daily["scene_id"].isin(squad)].groupby("scene_id")
    net = daily["incremental_margin_yuan"].sum() - daily["cost_yuan"].sum()
    assert (net < 0).any() and (net > 0).any()


def test_base_case_without_configuration_is_the_dataset_on_disk(dataset_dir, dataset, monkeypatch):
    for k in (V.ENV_KEY, V.ENV_STUDENT, V.ENV_SECRET_FILE):
        monkeypatch.delenv(k, raising=False)
    ds = o2o.load(dataset_dir, validate=False)
    assert ds.variant is V.BASE and "variant" not in ds.meta
    assert o2o.load(dataset_dir, validate=False, variant="own").variant is V.BASE   # variants off
    monkeypatch.setenv(V.ENV_KEY, V.variant_key(SECRET, "s01"))
    assert o2o.load(dataset_dir, validate=False).variant is V.BASE   # lessons keep the shared case
    assert V.q2_store(ds) == int(dataset.stores.query("in_panel and pilot_group == '试点'")["store_id"].min())
    assert len(V.q1_scenes(ds)) == int((ds.scenes["initiator"] == "一线小分队").sum())


def test_where_the_key_comes_from(dataset_dir, secret_file, monkeypatch):
    for k in (V.ENV_KEY, V.ENV_STUDENT, V.ENV_SECRET_FILE):
        monkeypatch.delenv(k, raising=False)
    want = V.variant_key(SECRET, "s02")
    # the instructor opens any student's variant with the secret
    assert o2o.load(dataset_dir, validate=False, variant="s02", secret_file=secret_file).variant.key == want
    # a hub sets the student's key in their server (never the secret)
    monkeypatch.setenv(V.ENV_KEY, want.upper())
    assert o2o.load(dataset_dir, validate=False, variant="own").variant.key == want
    monkeypatch.delenv(V.ENV_KEY)
    # a single-user setup: student id and secret file
    monkeypatch.setenv(V.ENV_STUDENT, "s02")
    monkeypatch.setenv(V.ENV_SECRET_FILE, str(secret_file))
    assert o2o.load(dataset_dir, validate=False, variant="own").variant.key == want


@pytest.mark.parametrize("setup, words", [
    ({V.ENV_KEY: "not-a-key"}, "O2O_VARIANT_KEY"),
    ({V.ENV_STUDENT: "s01"}, "O2O_COURSE_SECRET_FILE"),
    ({V.ENV_STUDENT: "s01", V.ENV_SECRET_FILE: "/nonexistent/secret"}, "Cannot read the course secret file"),
    ({V.ENV_STUDENT: "has space", V.ENV_SECRET_FILE: "SECRET"}, "Student id"),
])
def test_bad_configuration_is_one_clear_sentence(dataset_dir, secret_file, monkeypatch, setup, words):
    for k in (V.ENV_KEY, V.ENV_STUDENT, V.ENV_SECRET_FILE):
        monkeypatch.delenv(k, raising=False)
    for k, v in setup.items():
        monkeypatch.setenv(k, str(secret_file) if v == "SECRET" else v)
    with pytest.raises(V.VariantError) as e:
        o2o.load(dataset_dir, validate=False, variant="own")
    assert words in e.value.en and e.value.zh


def test_short_secret_is_refused():
    with pytest.raises(V.VariantError, match="too short"):
        V.variant_key(b"short", "s01")


def _private_mb() -> float:
    gc.collect()
    ctypes.CDLL("libc.so.6").malloc_trim(0)
    with open("/proc/self/smaps_rollup") as fh:
        return sum(int(line.split()[1]) for line in fh if line.startswith(("Private_Dirty", "Private_Clean"))) / 1024


def test_building_a_variant_is_cheap(dataset_dir):
    """The overlay on a kernel's loaded daily_sales: well under a second, < 10 MB of private memory
    (goal figures with the machine's load in docs/benchmarks.md, from benchmarks/bench_variants.py)."""
    ds = Dataset(dataset_dir, validate=False)
    df, stores = ds.daily_sales, ds.stores
    pilot = stores.loc[stores["pilot_group"] == "试点", "store_id"].to_numpy()
    ds.squads, ds.scenes   # shared tables the question dimensions read (the base case's, loaded once)
    before = _private_mb()
    t0 = time.perf_counter()
    v = V.from_key(V.variant_key(SECRET, "s01"))
    V.overlay_daily_sales(df, pilot, v, ds.meta)
    vds = V.VariantDataset(validate=False, variant=v, base=ds)
    picked = [VQ.questions(a, vds) for a in VQ.QUESTIONS]   # every assignment's store, city, period, ...
    seconds = time.perf_counter() - t0
    assert len(picked) == 5
    added = _private_mb() - before
    assert seconds < 1.0, seconds
    # the loaded table is a view of the shared mapped file: the five rewritten columns become private copies
    rewritten = sum(df[c].to_numpy().nbytes for c in ("sales_yuan", "gross_margin_yuan", "tickets",
                                                       "member_tickets", "new_members")) / 2**20
    assert added < 10.0 + rewritten, (added, rewritten)


def test_instructor_command_shows_any_students_variant(dataset_dir, secret_file, tmp_path):
    run = [sys.executable, "-m", "o2o", "variant"]
    out = subprocess.run(run + ["show", "s01", "--secret-file", str(secret_file), "--data", str(dataset_dir)],
                         capture_output=True, text=True, timeout=120)
    assert out.returncode == 0, out.stderr
    v = V.from_key(V.variant_key(SECRET, "s01"))
    assert f"STORE = " in out.stdout and f'"sales_lift": {v.sales_lift}' in out.stdout
    ds = V.VariantDataset(dataset_dir, validate=False, variant=v)
    for name in VQ.QUESTIONS:   # what each assignment's questions ask this student about
        q = VQ.questions(name, ds)
        assert f"{name}: " + ", ".join(f"Q.{k} = {x!r}" for k, x in q.as_dict().items()) in out.stdout
    key = subprocess.run(run + ["key", "s01", "--secret-file", str(secret_file)], capture_output=True, text=True)
    assert key.stdout.strip() == V.variant_key(SECRET, "s01")
    new = tmp_path / "new-secret"
    assert subprocess.run(run + ["secret", "--out", str(new)], capture_output=True).returncode == 0
    assert len(V.read_secret(new)) == 64 and (new.stat().st_mode & 0o777) == 0o600
    again = subprocess.run(run + ["secret", "--out", str(new)], capture_output=True, text=True)
    assert again.returncode != 0 and "never overwritten" in again.stderr


def test_the_documented_hub_hook_sets_the_students_key(tmp_path):
    """docs/variants.md's JupyterHub pre_spawn_hook gives each user's server exactly the kit's key."""
    import re
    import textwrap
    from pathlib import Path
    from types import SimpleNamespace

    doc = (Path(__file__).resolve().parents[2] / "docs" / "variants.md").read_text(encoding="utf-8")
    code = next(b for b in re.findall(r"```python\n(.*?)```", doc, re.S) if "pre_spawn_hook" in b)
    code = textwrap.dedent(code)
    secret = tmp_path / "variant-secret"
    secret.write_bytes(SECRET + b"\n")
    code = code.replace("/srv/o2o/variant-secret", str(secret))
    ns = {"c": SimpleNamespace(Spawner=SimpleNamespace())}
    exec(compile(code, "docs/variants.md", "exec"), ns)
    spawner = SimpleNamespace(user=SimpleNamespace(name="s02"), environment={})
    ns["c"].Spawner.pre_spawn_hook(spawner)
    assert spawner.environment == {V.ENV_KEY: V.variant_key(SECRET, "s02")}


@settings(max_examples=40, deadline=None)
@given(st.binary(min_size=1, max_size=12), st.integers(1, 40), st.integers(0, 2**32 - 1))
def test_overlay_invariants_on_any_frame(student, n_days, seed):
    """For any student and any small frame: only pilot rows from the start change, counts stay whole and
    non-negative, member tickets never exceed tickets, dtypes are kept, and the same key gives the same bytes."""
    rng = np.random.default_rng(seed)
    dates = pd.date_range("2015-07-20", periods=n_days, freq="D").astype("datetime64[ms]")
    frame = pd.DataFrame({"store_id": np.repeat(np.array([1, 2, 3], dtype="int32"), n_days),
                          "date": np.tile(dates, 3)})
    frame["sales_yuan"] = rng.uniform(0, 9000, len(frame))
    frame["gross_margin_yuan"] = frame["sales_yuan"] * 0.25
    frame["tickets"] = rng.integers(0, 600, len(frame)).astype("int32")
    frame["member_tickets"] = (frame["tickets"] * rng.uniform(0, 1, len(frame))).astype("int32")
    frame["new_members"] = rng.integers(0, 9, len(frame)).astype("int32")
    v = V.from_key(V.variant_key(SECRET, student.hex()))
    meta = {"pilot_truth": {"sales_effect": 0.08, "new_member_effect": 0.3, "start": "2015-08-01"}}
    a = V.overlay_daily_sales(frame.copy(), np.array([2]), v, meta)
    b = V.overlay_daily_sales(frame.copy(), np.array([2]), v, meta)
    assert _digest(a) == _digest(b) and list(a.dtypes) == list(frame.dtypes)
    touched = (frame["store_id"] == 2) & (frame["date"] >= pd.Timestamp("2015-08-01"))
    assert a[~touched].equals(frame[~touched])
    assert (a[["tickets", "member_tickets", "new_members"]] >= 0).all().all()
    assert (a["member_tickets"] <= a["tickets"]).all()
    ratio = (1 + v.sales_lift) / 1.08
    assert np.allclose(a.loc[touched, "sales_yuan"], frame.loc[touched, "sales_yuan"] * ratio, atol=0.006)


def test_the_question_dimensions_stated_in_the_docs_are_the_codes(dataset):
    """docs/variants.md's table of question dimensions: every range, period and count is the code's and the data's."""
    import re
    from pathlib import Path

    doc = (Path(__file__).resolve().parents[2] / "docs" / "variants.md").read_text(encoding="utf-8")
    lo, hi = VQ.MIN_AREA_RANGE
    assert f"`MIN_AREA` {lo}–{hi} m²" in doc
    for name, (a, b) in (("HIRED_BEFORE", VQ.HIRED_BEFORE_RANGE), ("PRE_FROM", VQ.PRE_FROM_RANGE),
                         ("POST_UNTIL", VQ.POST_UNTIL_RANGE), ("JOINED_FROM", VQ.JOINED_FROM_RANGE)):
        assert f"`{name}` {a} – {b}" in doc, name
    for days, who in ((VQ.M2_DAYS, "m2"), (VQ.M3_DAYS, "m3"), (VQ.M6_DAYS, "m6")):
        assert re.search(rf"^\| {who} \|.*period {days} days inside 2015", doc, re.M), who
    assert f"n_per_faction={VQ.ORGS_PER_FACTION}" in doc
    stores = len(VQ.m6_stores(dataset))
    assert f"one of the {stores} pilot stores whose squad launched a scene" in doc
    assert f"in each of the {stores} stores" in doc
    squad_stores = dataset.squads["store_id"].nunique()
    panel = int(dataset.stores["in_panel"].sum())
    old = int((dataset.stores["open_date"] < pd.Timestamp("2015-01-01")).sum())
    assert f"same store is 1 in {panel}, {stores}, {squad_stores} or {old} depending" in doc
