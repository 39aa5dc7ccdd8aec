"""Per-student variants of the case: one shared dataset, each student's own planted truth.

A variant is derived from the course's secret and a student id::

    key = HMAC-SHA256(secret, "o2o-variant-v1" + NUL + student_id)      (64 hex digits)

The key seeds ``np.random.default_rng``, which draws the variant's parameters (:class:`Variant`):
the shareholder pilot's planted effects on sales and on new members, and the pilot store whose squad
scenes assignment 4's first question reviews and for which its second question designs a scene.
The instructor, holding the secret, rebuilds any student's variant; a student, holding at most
their own key, learns nothing about another's.

A variant is an *overlay*, not a copy: the dataset on disk is the course's one ``datasets/default``;
:class:`VariantDataset` reads a table as usual and, for ``daily_sales`` only, rescales the pilot
stores' rows from the pilot's start in place (sales and gross margin by
``(1 + sales_lift) / (1 + base effect)``, tickets alike, new members by
``(1 + member_lift) / (1 + base effect)`` with unbiased random rounding). The base effect is what
the generator planted (``meta.json``), so a log difference-in-differences on the variant moves by
exactly ``log`` of that ratio: the pilot still helps, the DiD still recovers it, and the historical
scenes (including the squad scenes that lose money) are the base's. Ticket-level tables of the panel
stores keep the base's rows; the questions that use a variant read ``daily_sales``.

Which variant ``o2o.load(variant=...)`` opens (:func:`resolve_key`):

* ``None`` (the default): the shared base case. Lessons load it, so the figures their prose quotes
  (checked by the tests) hold for every student;
* ``"own"``: this server's student, as the environment says (the assignments' notebooks and their hidden
  tests ask for it), first match wins:

  1. ``$O2O_VARIANT_KEY``: the key itself, set by the hub for each student's server and by ``o2o grade``
     for each student's sandbox and trusted side (a student's server never needs the secret);
  2. ``$O2O_STUDENT_ID`` and ``$O2O_COURSE_SECRET_FILE``: a single-user setup where the kit may read the
     secret (an instructor's ``make lab``);
  3. neither: the base case (variants are off);
* any other string: that student id, with the secret file (``secret_file=`` or
  ``$O2O_COURSE_SECRET_FILE``): the instructor opening a student's variant.
"""

from __future__ import annotations

import hashlib
import hmac
import os
import re
from dataclasses import asdict, dataclass
from pathlib import Path

import numpy as np
import pandas as pd

from . import calibration as cal
from ..errors import DataError
from .load import Dataset

ENV_KEY = "O2O_VARIANT_KEY"
ENV_STUDENT = "O2O_STUDENT_ID"
ENV_SECRET_FILE = "O2O_COURSE_SECRET_FILE"
OWN = "own"   # o2o.load(variant="own"): this server's student
_DOMAIN = b"o2o-variant-v1\0"
_KEY_RE = re.compile(r"^[0-9a-f]{64}$")
MIN_SECRET_BYTES = 16

#: The documented ranges a variant's parameters are drawn from (uniform; months and ranks uniform integers).
SALES_LIFT_RANGE = (0.04, 0.14)      # the pilot's planted effect on daily sales (base case: 0.08)
MEMBER_LIFT_RANGE = (0.15, 0.50)     # the pilot's planted effect on new members per day (base case: 0.30)
N_STORE_PICKS = 2**31                # the assignment-4 store: pilot store number (pick mod number of pilot stores)


class VariantError(DataError):
    """A variant cannot be built: no secret, an unreadable secret, a malformed key or student id."""


@dataclass(frozen=True)
class Variant:
    """One student's parameters. ``key`` is ``None`` for the shared base case."""

    key: str | None
    sales_lift: float
    member_lift: float
    store_pick: int | None    # None: the lowest-numbered pilot panel store (base case)

    @property
    def label(self) -> str:
        """A short public name of the variant (the key's first 8 hex digits), or ``base``."""
        return "base" if self.key is None else self.key[:8]

    def as_dict(self) -> dict:
        return {**asdict(self), "label": self.label}

    def draw(self, name: str) -> float | None:
        """A number in ``[0, 1)`` for the question dimension ``name``: SHA-256 of the key and the name (the
        same on every machine, independent of every other name); ``None`` for the base case."""
        if self.key is None:
            return None
        digest = hashlib.sha256(f"{self.key}\0{name}".encode("ascii")).digest()
        return int.from_bytes(digest[:8], "big") / 2.0**64

    def pick(self, name: str, options, base=None):
        """One of ``options`` (a sequence, in a fixed order) for the dimension ``name``; ``base`` for the base case."""
        u = self.draw(name)
        if u is None:
            return base
        options = list(options)
        if not options:
            raise DataError(f"数据版本的维度 {name} 没有可选的值。", f"The variant dimension {name} has no options.")
        return options[int(u * len(options))]

    def uniform(self, name: str, lo: float, hi: float, decimals: int, base=None):
        """A number drawn uniformly from ``[lo, hi]`` for the dimension ``name``, rounded; ``base`` for the base case."""
        u = self.draw(name)
        return base if u is None else round(lo + (hi - lo) * u, decimals)


BASE = Variant(None, cal.PILOT_SALES_EFFECT, cal.PILOT_MEMBER_EFFECT, None)


def _bad_id(student_id: object) -> VariantError:
    return VariantError(f"学生编号 {str(student_id)[:40]!r} 无效:应为 1–200 个可见字符,不含空白。",
                        f"Student id {str(student_id)[:40]!r} is invalid: use 1-200 visible characters, no spaces.")


def variant_key(secret: bytes, student_id: str) -> str:
    """The student's key: HMAC-SHA256 of the id under the course secret (64 hex digits)."""
    if not isinstance(student_id, str) or not (0 < len(student_id) <= 200) or not student_id.isprintable() \
            or any(ch.isspace() for ch in student_id):
        raise _bad_id(student_id)
    if len(secret) < MIN_SECRET_BYTES:
        raise VariantError(f"课程密钥太短(至少 {MIN_SECRET_BYTES} 字节):请用 `o2o variant secret` 生成。",
                           f"The course secret is too short (at least {MIN_SECRET_BYTES} bytes): "
                           "create one with `o2o variant secret`.")
    return hmac.new(secret, _DOMAIN + student_id.encode("utf-8"), hashlib.sha256).hexdigest()


def read_secret(path: str | os.PathLike) -> bytes:
    """The course secret from its file (whitespace at the ends ignored); one clear sentence if unreadable."""
    p = Path(path)
    try:
        if p.is_symlink() or not p.is_file():
            raise FileNotFoundError(p)
        if p.stat().st_size > 4096:
            raise VariantError(f"课程密钥文件 {p} 太大,不像密钥文件。", f"The course secret file {p} is too large to be one.")
        return p.read_bytes().strip()
    except (FileNotFoundError, PermissionError, IsADirectoryError):
        raise VariantError(f"读不到课程密钥文件 {p}:请检查路径和权限,或用 `o2o variant secret --out {p}` 生成。",
                           f"Cannot read the course secret file {p}: check the path and permissions, "
                           f"or create it with `o2o variant secret --out {p}`.") from None


def new_secret() -> str:
    """A fresh course secret (64 hex digits from the operating system's random source)."""
    return os.urandom(32).hex()


def check_key(key: str) -> str:
    if not isinstance(key, str) or not _KEY_RE.fullmatch(key.strip().lower()):
        raise VariantError(f"环境变量 {ENV_KEY} 不是有效的数据版本密钥(应为 64 位十六进制)。请联系老师。",
                           f"{ENV_KEY} is not a valid variant key (64 hex digits). Ask your instructor.")
    return key.strip().lower()


def resolve_key(variant: str | None = None, secret_file: str | os.PathLike | None = None,
                env: dict | None = None) -> str | None:
    """The variant key to use (see the module's docstring), or ``None`` for the base case."""
    env = os.environ if env is None else env
    secret_path = secret_file or env.get(ENV_SECRET_FILE)
    if variant is None:
        return None
    if variant != OWN:
        if not secret_path:
            raise VariantError(f"要打开学生 {str(variant)[:40]} 的数据版本,需要课程密钥文件(secret_file= 或 {ENV_SECRET_FILE})。",
                               f"Opening student {str(variant)[:40]}'s variant needs the course secret file "
                               f"(secret_file= or {ENV_SECRET_FILE}).")
        return variant_key(read_secret(secret_path), variant)
    if env.get(ENV_KEY):
        return check_key(env[ENV_KEY])
    if env.get(ENV_STUDENT):
        if not secret_path:
            raise VariantError(f"设置了 {ENV_STUDENT},但没有课程密钥文件 {ENV_SECRET_FILE}。请联系老师。",
                               f"{ENV_STUDENT} is set but {ENV_SECRET_FILE} is not. Ask your instructor.")
        return variant_key(read_secret(secret_path), env[ENV_STUDENT])
    return None


def from_key(key: str | None) -> Variant:
    """The variant of a key (``None``: the base case). Same key, same parameters, on every machine."""
    if key is None:
        return BASE
    key = check_key(key)
    rng = np.random.default_rng([int(key[i:i + 8], 16) for i in range(0, 64, 8)])
    sales = round(float(rng.uniform(*SALES_LIFT_RANGE)), 4)
    members = round(float(rng.uniform(*MEMBER_LIFT_RANGE)), 4)
    pick = int(rng.integers(0, N_STORE_PICKS))
    return Variant(key, sales, members, pick)


def _base_truth(meta: dict) -> tuple[float, float, str]:
    truth = meta.get("pilot_truth", {})
    return (float(truth.get("sales_effect", cal.PILOT_SALES_EFFECT)),
            float(truth.get("new_member_effect", cal.PILOT_MEMBER_EFFECT)),
            str(truth.get("start", cal.PILOT_START.isoformat())))


def overlay_daily_sales(df: pd.DataFrame, pilot_ids: np.ndarray, variant: Variant, meta: dict) -> pd.DataFrame:
    """Rescale the pilot stores' rows from the pilot's start, in place (returns ``df``)."""
    if variant.key is None:
        return df
    base_sales, base_members, start = _base_truth(meta)
    r_sales = (1.0 + variant.sales_lift) / (1.0 + base_sales)
    r_members = (1.0 + variant.member_lift) / (1.0 + base_members)
    rows = np.flatnonzero(np.isin(df["store_id"].to_numpy(), pilot_ids)
                          & (df["date"].to_numpy() >= np.datetime64(start)))
    rng = np.random.default_rng([int(variant.key[i:i + 8], 16) for i in range(0, 64, 8)] + [31])
    col = {c: df.columns.get_loc(c) for c in ("sales_yuan", "gross_margin_yuan", "tickets", "member_tickets",
                                            "new_members")}
    tickets = df["tickets"].to_numpy()[rows]
    t = np.floor(tickets * r_sales + rng.random(len(rows)))
    m = np.minimum(np.floor(df["member_tickets"].to_numpy()[rows] * r_sales + rng.random(len(rows))), t)
    nm = np.floor(df["new_members"].to_numpy()[rows] * r_members + rng.random(len(rows)))
    # each rewritten column becomes the frame's own copy (a loaded daily_sales is a read-only view of the
    # dataset's shared memory-mapped file, see o2o.data.mapped); the other columns stay shared
    for name, values in (("sales_yuan", np.round(df["sales_yuan"].to_numpy()[rows] * r_sales, 2)),
                         ("gross_margin_yuan", np.round(df["gross_margin_yuan"].to_numpy()[rows] * r_sales, 2)),
                         ("tickets", t), ("member_tickets", m), ("new_members", nm)):
        column = df[name].to_numpy().copy()
        column[rows] = values.astype(column.dtype)
        df.isetitem(col[name], column)
    return df


class VariantDataset(Dataset):
    """The shared dataset seen through one student's variant (``ds.variant`` holds its parameters).

    ``base``: an open dataset whose tables this one shares in memory (an instructor going through a class's
    variants in one process); only ``daily_sales`` is copied, to be rescaled. Shared tables are the same
    DataFrame objects: read them, do not modify them.
    """

    def __init__(self, path=None, validate: bool = True, variant: Variant = BASE, base: Dataset | None = None) -> None:
        super().__init__(base.path if base is not None and path is None else path, validate=validate)
        self.variant = variant
        self._base = base
        if variant.key is not None:
            truth = dict(self.meta.get("pilot_truth", {}))
            base_sales = float(truth.get("sales_effect", cal.PILOT_SALES_EFFECT))
            extra = float(truth.get("sales_effect_from_extra_scenes", 0.0))
            truth.update(sales_effect=variant.sales_lift, new_member_effect=variant.member_lift,
                         sales_effect_total=round((1 + variant.sales_lift) * np.exp(extra) - 1, 5))
            self.base_pilot_truth = self.meta.get("pilot_truth", {"sales_effect": base_sales})
            self.meta = {**self.meta, "pilot_truth": truth, "variant": variant.label}

    def _read(self, name: str) -> pd.DataFrame:
        if self._base is not None:
            df = self._base.table(name)
            if name != "daily_sales" or self.variant.key is None:
                return df
            df = df.copy()
        else:
            df = super()._read(name)
        if name == "daily_sales" and self.variant.key is not None:
            st = self.table("stores")
            pilot = st.loc[st["pilot_group"] == "试点", "store_id"].to_numpy()
            overlay_daily_sales(df, pilot, self.variant, {"pilot_truth": self.base_pilot_truth})
        return df

    def arrays(self, group: str) -> dict | None:
        """The shared mapped arrays hold the base case: a variant's simulator world is built from its own
        (rescaled) tables instead."""
        return super().arrays(group) if self.variant.key is None else None

    def __repr__(self) -> str:
        return super().__repr__()[:-1] + f", variant={self.variant.label}>"


def load(path=None, validate: bool = True, variant: str | None = None,
         secret_file: str | os.PathLike | None = None) -> VariantDataset:
    """Open the dataset: the base case (``variant=None``), this server's student's (``"own"``), or a named
    student's (instructor, with the secret). See :func:`resolve_key`."""
    return VariantDataset(path, validate=validate, variant=from_key(resolve_key(variant, secret_file)))


# ---------------------------------------------------------------- what the questions use

def q2_store(ds: Dataset) -> int:
    """Assignment 4's store: one of the pilot stores whose squad launched at least one scene, picked by the
    variant (base case: the lowest-numbered pilot panel store)."""
    v = getattr(ds, "variant", BASE)
    st = ds.stores
    pilot = st["pilot_group"] == "试点"
    if v.store_pick is None:
        ids = np.sort(st.loc[pilot & st["in_panel"], "store_id"].to_numpy())
    else:
        sc = ds.scenes
        active = sc.loc[sc["initiator"] == "一线小分队", "store_id"].dropna().astype("int64").unique()
        ids = np.sort(st.loc[pilot & st["store_id"].isin(active), "store_id"].to_numpy())
    if len(ids) == 0:
        raise DataError("数据集中没有试点门店。", "The dataset has no pilot store.")
    return int(ids[0] if v.store_pick is None else ids[v.store_pick % len(ids)])


def q1_scenes(ds: Dataset) -> pd.DataFrame:
    """The squad scenes assignment 4's first question reviews: every squad scene (base case), or those of
    the variant's store."""
    sc = ds.scenes
    squad = sc[sc["initiator"] == "一线小分队"]
    if getattr(ds, "variant", BASE).store_pick is None:
        return squad
    return squad[squad["store_id"] == q2_store(ds)]


def describe(ds: Dataset) -> str:
    """Two lines naming the numbers a student's questions use (printed by the assignment's setup cell)."""
    v = getattr(ds, "variant", BASE)
    store = q2_store(ds)
    which = "全部小分队场景" if v.store_pick is None else f"门店 {store} 的小分队发起的 {len(q1_scenes(ds))} 个场景"
    which_en = ("every squad scene" if v.store_pick is None
                else f"the {len(q1_scenes(ds))} scenes launched by store {store}'s squad")
    return (f"你的数据版本 {v.label}:第1题的候选场景 Q1_SCENES 是{which};第2题的门店 STORE = {store}。\n"
            f"Your data variant {v.label}: question 1 reviews {which_en} (Q1_SCENES); "
            f"question 2's store STORE = {store}.")
