"""Move values out of an untrusted kernel as plain data, and rebuild them strictly on the trusted side.

The kernel side (:data:`KERNEL_SOURCE`, in :mod:`o2o.grading.codec_kernel`) turns a value into JSON
with exact type tags. The grader side never parses a binary container the student could craft
(no Arrow, no pickle, no offsets): :func:`decode_text` refuses a reply that is too long or holds too
many JSON tokens *before* parsing it, :func:`decode` rebuilds values from an explicit schema with a
depth limit, an element budget and a dtype allow-list. Only exact built-in types, numpy numbers and
arrays of non-object dtype, and pandas Series/DataFrames whose index and columns use allowed dtypes
cross. Everything else - an ``int`` subclass, an object whose ``__eq__`` always returns True, a
malformed or oversized reply - arrives as :class:`Opaque`, which fails every comparison a test makes.
A decoding failure never carries the received bytes into a message: :class:`Opaque` names only a
fixed reason.

Whatever the student's code does to the kernel, the worst it can achieve is to choose the data that
comes out - the same power it has by assigning a variable.
"""

from __future__ import annotations

import ast
import base64
import datetime as _dt
import json
import math
import re
from typing import Any

import numpy as np
import pandas as pd

from .codec_kernel import KERNEL_SOURCE as _KERNEL_SOURCE

MAX_TEXT = 8_000_000  # characters of one reply from the kernel, checked before parsing
MAX_TOKENS = 1_000_000  # JSON separators and brackets in one reply, counted before parsing
MAX_ELEMENTS = 1_000_000  # values rebuilt from one reply
MAX_DEPTH = 40

NUMERIC = frozenset({"bool", "int8", "int16", "int32", "int64", "uint8", "uint16", "uint32", "uint64",
                     "float32", "float64"})
TIMES = re.compile(r"^(datetime|timedelta)64\[(s|ms|us|ns)\]$")
NP_DTYPE = re.compile(r"^[<>|=]?([biufcmM?]\d*(\[(s|ms|us|ns|D)\])?|U\d{1,5})$")


class Opaque:
    """A value that could not be brought out of the sandbox. Every use fails."""

    __slots__ = ("type_name",)

    def __init__(self, type_name: str) -> None:
        object.__setattr__(self, "type_name", type_name)

    def _fail(self, *a: Any, **k: Any) -> Any:
        raise TypeError(
            f"答案不是可评分的普通数据(类型 {self.type_name})。/ The answer is not plain data ({self.type_name})."
        )

    __eq__ = __ne__ = __lt__ = __le__ = __gt__ = __ge__ = _fail
    __bool__ = __len__ = __iter__ = __contains__ = __getitem__ = __call__ = _fail
    __add__ = __radd__ = __sub__ = __rsub__ = __mul__ = __rmul__ = __truediv__ = __rtruediv__ = _fail
    __float__ = __int__ = __index__ = __abs__ = __neg__ = __round__ = _fail
    __hash__ = None  # type: ignore[assignment]

    def __getattr__(self, name: str) -> Any:
        self._fail()

    def __repr__(self) -> str:
        return f"<不可评分的对象 {self.type_name}>"


class Missing:
    """The name does not exist in the kernel."""


class CallableRef:
    """The name is a function in the kernel; the evaluator wraps it in a proxy."""


class ModuleRef:
    def __init__(self, name: str) -> None:
        self.name = name


#: Opaque reasons that mean "the reply was malformed or too large" (as opposed to "not plain data")
REFUSED_NAMES = frozenset({"invalid", "element budget exceeded"})


class Refused(ValueError):
    """The reply breaks the format; the message is fixed text, never the received bytes."""


class _Budget:
    def __init__(self, n: int) -> None:
        self.left = n

    def spend(self, n: int) -> None:
        self.left -= n
        if self.left < 0:
            raise Refused("element budget exceeded")


# A fixed type name for Opaque: the kernel's own name only when it is a short identifier.
_NAME = re.compile(r"^[A-Za-z_][A-Za-z0-9_.]{0,60}$")


def _opaque_name(obj: dict[str, Any]) -> str:
    name = obj.get("type")
    return name if isinstance(name, str) and _NAME.match(name) else "invalid"


def decode(obj: Any, depth: int = 0, budget: _Budget | None = None) -> Any:
    """Strictly rebuild a value encoded by the kernel side. Unknown or malformed shapes become :class:`Opaque`."""
    budget = budget or _Budget(MAX_ELEMENTS)
    try:
        return _decode(obj, depth, budget)
    except Refused as e:
        return Opaque(str(e) if budget.left < 0 else "invalid")
    except Exception:  # any malformed field: a fixed reason, never the data
        return Opaque("invalid")


def _decode(obj: Any, depth: int, budget: _Budget) -> Any:
    if depth > MAX_DEPTH or type(obj) is not dict or type(obj.get("t")) is not str:
        return Opaque("invalid")
    budget.spend(1)
    t, v = obj["t"], obj.get("v")
    if t == "none":
        return None
    if t == "bool" and type(v) is bool:
        return v
    if t == "int" and type(v) is str and len(v) < 4000:
        return int(v)
    if t == "float" and type(v) is str and len(v) < 40:
        return float(v)
    if t == "complex" and type(v) is list and len(v) == 2 and all(type(x) is str and len(x) < 40 for x in v):
        return complex(float(v[0]), float(v[1]))
    if t == "str" and type(v) is str:
        return v
    if t == "bytes" and type(v) is str:
        return base64.b64decode(v, validate=True)
    if t in ("list", "tuple", "set", "frozenset") and type(v) is list:
        budget.spend(len(v))
        items = [decode(x, depth + 1, budget) for x in v]
        return {"list": list, "tuple": tuple, "set": set, "frozenset": frozenset}[t](items)
    if t == "dict" and type(v) is list:
        budget.spend(len(v))
        out = {}
        for pair in v:
            if type(pair) is not list or len(pair) != 2:
                raise Refused("pair")
            out[decode(pair[0], depth + 1, budget)] = decode(pair[1], depth + 1, budget)
        return out
    if t in ("date", "datetime", "timestamp") and type(v) is str and len(v) < 40:
        return {"date": _dt.date.fromisoformat, "datetime": _dt.datetime.fromisoformat, "timestamp": pd.Timestamp}[t](v)
    if t == "missing":
        return Missing()
    if t == "callable":
        return CallableRef()
    if t == "module" and type(v) is str and _NAME.match(v):
        return ModuleRef(v)
    if t in ("npscalar", "ndarray"):
        return _numpy(obj, budget)
    if t == "series":
        index = _index(obj.get("index"), depth, budget)
        data = _column(obj.get("data"), budget)
        if len(data) != len(index):
            raise Refused("length")
        return pd.Series(data, index=index, name=decode(obj.get("name"), depth + 1, budget), copy=False)
    if t == "frame":
        return _frame(obj, depth, budget)
    return Opaque(_opaque_name(obj))


def _numpy(obj: dict[str, Any], budget: _Budget) -> Any:
    code, v = obj.get("dtype"), obj.get("v")
    if type(code) is not str or not NP_DTYPE.match(code) or type(v) is not str:
        return Opaque("numpy-object")
    dtype = np.dtype(code)
    raw = base64.b64decode(v, validate=True)
    if obj["t"] == "npscalar":
        if len(raw) != dtype.itemsize:
            raise Refused("size")
        return np.frombuffer(raw, dtype=dtype)[0]
    shape = obj.get("shape")
    if type(shape) is not list or len(shape) > 32 or not all(type(s) is int and 0 <= s for s in shape):
        raise Refused("shape")
    n = math.prod(shape)
    if dtype.kind == "U" or n * dtype.itemsize != len(raw):
        raise Refused("size")
    budget.spend(n // 8)
    return np.frombuffer(raw, dtype=dtype).reshape(shape).copy()


def _column(col: Any, budget: _Budget) -> Any:
    """One column: an allowed dtype and a list of JSON scalars of exactly the types that dtype holds."""
    if type(col) is not dict or type(col.get("dtype")) is not str or type(col.get("v")) is not list:
        raise Refused("column")
    dtype, v = col["dtype"], col["v"]
    budget.spend(len(v))
    if dtype in NUMERIC:
        kind = np.dtype(dtype).kind
        ok = {"b": (bool,), "i": (int,), "u": (int,), "f": (int, float)}[kind]
        if not all(type(x) in ok for x in v):
            raise Refused("values")
        return np.array(v, dtype=dtype)
    if TIMES.match(dtype):
        if not all(type(x) is int for x in v):
            raise Refused("values")
        return np.array(v, dtype="int64").view(dtype)
    if dtype == "object":
        if not all(x is None or type(x) in (str, int, bool) or (type(x) is float and x == x) for x in v):
            raise Refused("values")
        out = np.empty(len(v), dtype=object)
        out[:] = v
        return out
    if dtype == "str":
        storage, na = col.get("storage"), col.get("na")
        if storage not in ("python", "pyarrow") or na not in ("NA", "nan") or not all(x is None or type(x) is str for x in v):
            raise Refused("values")
        return pd.array(v, dtype=pd.StringDtype(storage=storage, na_value=pd.NA if na == "NA" else np.nan))
    if dtype == "category":
        cats = _column(col.get("categories"), budget)
        if type(col.get("ordered")) is not bool or not all(type(c) is int and -1 <= c < len(cats) for c in v):
            raise Refused("values")
        return pd.Categorical.from_codes(v, categories=pd.Index(cats), ordered=col["ordered"])
    raise Refused("dtype")


def _index(obj: Any, depth: int, budget: _Budget) -> pd.Index:
    if type(obj) is not dict:
        raise Refused("index")
    kind = obj.get("kind")
    if kind == "range":
        r = obj.get("v")
        if type(r) is not list or len(r) != 3 or not all(type(x) is int for x in r) or r[2] == 0:
            raise Refused("range")
        idx = pd.RangeIndex(*r)
        budget.spend(len(idx))
        return pd.RangeIndex(*r, name=decode(obj.get("name"), depth + 1, budget))
    if kind == "index":
        return pd.Index(_column(obj.get("data"), budget), name=decode(obj.get("name"), depth + 1, budget), copy=False)
    if kind == "multi":
        levels, names = obj.get("levels"), obj.get("names")
        if type(levels) is not list or type(names) is not list or not 0 < len(levels) == len(names) <= 16:
            raise Refused("multi")
        arrays = [_column(lv, budget) for lv in levels]
        return pd.MultiIndex.from_arrays(arrays, names=[decode(n, depth + 1, budget) for n in names])
    raise Refused("index")


def _frame(obj: dict[str, Any], depth: int, budget: _Budget) -> pd.DataFrame:
    index = _index(obj.get("index"), depth, budget)
    columns = _index(obj.get("columns"), depth, budget)
    data = obj.get("data")
    if type(data) is not list or len(data) != len(columns):
        raise Refused("columns")
    cols = [_column(c, budget) for c in data]
    if any(len(c) != len(index) for c in cols):
        raise Refused("length")
    frame = pd.DataFrame({i: c for i, c in enumerate(cols)}, index=index, copy=False)
    frame.columns = columns
    return frame


def _count_tokens(text: str) -> int:
    return text.count(",") + text.count("[") + text.count("{") + text.count(":")


def decode_text(text: Any) -> Any:
    """Parse one JSON reply from the kernel within the limits; raise :class:`Refused` (fixed text) otherwise."""
    if type(text) is not str:
        raise Refused("not text")
    if len(text) > MAX_TEXT:
        raise Refused("reply too long")
    if _count_tokens(text) > MAX_TOKENS:
        raise Refused("too many values")
    try:
        return json.loads(text)
    except (ValueError, RecursionError):
        raise Refused("malformed reply") from None


_REPR = re.compile(r"^'[ -~]*'$|^\"[ -~]*\"$")


def unrepr(text: Any) -> str:
    """The string behind IPython's ``text/plain`` of a ``str`` (printable ASCII only, bounded, literal only)."""
    if type(text) is not str or len(text) > 2 * MAX_TEXT + 2 or not _REPR.match(text):
        raise Refused("reply is not a string literal")
    try:
        value = ast.literal_eval(text)
    except (ValueError, SyntaxError, MemoryError, RecursionError):
        raise Refused("reply is not a string literal") from None
    if type(value) is not str:
        raise Refused("reply is not a string literal")
    return value


def host_encode(value: Any) -> Any:
    """Encode an argument on the trusted side with the same format (for calls into the kernel)."""
    ns: dict[str, Any] = {}
    exec(compile(_KERNEL_SOURCE, "<o2o-codec>", "exec"), ns)
    return ns["__o2o_encode"](value)


def is_finite_number(x: Any) -> bool:
    return isinstance(x, (int, float)) and not isinstance(x, bool) and math.isfinite(x)
