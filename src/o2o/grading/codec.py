"""Move values out of an untrusted kernel as plain data.

The kernel side (:data:`KERNEL_SOURCE`) turns a value into JSON with exact type tags; the grader side
(:func:`decode`) rebuilds it strictly. Only exact built-in types, numpy numbers and arrays of
non-object dtype, and pandas objects (through Arrow IPC) cross. Everything else - including an
``int`` subclass or an object whose ``__eq__`` always returns True - arrives as :class:`Opaque`, which
fails every comparison a test makes. Student functions arrive as :class:`Callable` markers that the
evaluator turns into proxies calling back into the sandbox with data arguments.

Whatever the student's code does to the kernel, the worst it can achieve is to choose the data that
comes out - the same power it has by assigning a variable.
"""

from __future__ import annotations

import base64
import datetime as _dt
import json
import math
from typing import Any

MAX_BYTES = 50_000_000
MAX_DEPTH = 40

# Runs inside the student's kernel. Self-contained: one function, bound under a private name.
KERNEL_SOURCE = r'''
def __o2o_encode(value, _depth=0, _budget=[0]):
    import base64, json, math, types, datetime
    import sys
    if _depth == 0:
        _budget[0] = 0
    if _depth > 40:
        return {"t": "opaque", "type": "too-deep"}
    t = type(value)
    if value is None:
        return {"t": "none"}
    if t is bool:
        return {"t": "bool", "v": value}
    if t is int:
        return {"t": "int", "v": str(value)}
    if t is float:
        return {"t": "float", "v": repr(value)}
    if t is complex:
        return {"t": "complex", "v": [repr(value.real), repr(value.imag)]}
    if t is str:
        _budget[0] += len(value)
        if _budget[0] > 50_000_000:
            raise MemoryError("too big")
        return {"t": "str", "v": value}
    if t is bytes:
        _budget[0] += len(value)
        return {"t": "bytes", "v": base64.b64encode(value).decode()}
    if t in (list, tuple, set, frozenset):
        items = list(value)
        if t in (set, frozenset):
            try:
                items = sorted(items, key=repr)
            except Exception:
                pass
        return {"t": t.__name__, "v": [__o2o_encode(x, _depth + 1) for x in items]}
    if t is dict:
        return {"t": "dict", "v": [[__o2o_encode(k, _depth + 1), __o2o_encode(v, _depth + 1)] for k, v in value.items()]}
    if t is datetime.date:
        return {"t": "date", "v": value.isoformat()}
    if t is datetime.datetime and value.tzinfo is None:
        return {"t": "datetime", "v": value.isoformat()}
    if t is types.ModuleType:
        return {"t": "module", "v": value.__name__}
    if t in (types.FunctionType, types.BuiltinFunctionType, types.MethodType, functools_partial()):
        return {"t": "callable"}
    np = sys.modules.get("numpy")
    if np is not None:
        if isinstance(value, np.generic) and t.__module__ == "numpy" and value.dtype.kind in "biufcmMU?":
            return {"t": "npscalar", "dtype": value.dtype.str, "v": base64.b64encode(value.tobytes()).decode()}
        if t is np.ndarray and value.dtype.kind in "biufcmM?":
            data = np.ascontiguousarray(value).tobytes()
            _budget[0] += len(data)
            if _budget[0] > 50_000_000:
                raise MemoryError("too big")
            return {"t": "ndarray", "dtype": value.dtype.str, "shape": list(value.shape),
                    "v": base64.b64encode(data).decode()}
    pd = sys.modules.get("pandas")
    if pd is not None and t in (pd.DataFrame, pd.Series, pd.Timestamp):
        if t is pd.Timestamp:
            return {"t": "timestamp", "v": value.isoformat()}
        import pyarrow as pa
        is_series = t is pd.Series
        frame = value.to_frame(name="__o2o_series__") if is_series else value
        table = pa.Table.from_pandas(frame, preserve_index=True)
        sink = pa.BufferOutputStream()
        with pa.ipc.new_stream(sink, table.schema) as w:
            w.write_table(table)
        data = sink.getvalue().to_pybytes()
        _budget[0] += len(data)
        if _budget[0] > 50_000_000:
            raise MemoryError("too big")
        out = {"t": "series" if is_series else "frame", "v": base64.b64encode(data).decode()}
        if is_series:
            out["name"] = __o2o_encode(value.name, _depth + 1)
        return out
    return {"t": "opaque", "type": getattr(t, "__qualname__", "?")}

def functools_partial():
    import functools
    return functools.partial

def __o2o_dump(names):
    import json
    g = globals()
    out = {}
    for n in names:
        if n not in g:
            out[n] = {"t": "missing"}
            continue
        try:
            out[n] = __o2o_encode(g[n])
        except BaseException as e:
            out[n] = {"t": "opaque", "type": "error"}
    return json.dumps(out)

def __o2o_call(name, payload):
    import json
    args, kwargs = json.loads(payload)
    f = globals()[name]
    result = f(*[__o2o_decode(a) for a in args], **{k: __o2o_decode(v) for k, v in kwargs.items()})
    return json.dumps(__o2o_encode(result))
'''


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


_ALLOWED_DTYPE_KINDS = set("biufcmM?")


def decode(obj: Any, depth: int = 0) -> Any:
    """Strictly rebuild a value encoded by the kernel side. Unknown shapes become :class:`Opaque`."""
    if depth > MAX_DEPTH or not isinstance(obj, dict) or not isinstance(obj.get("t"), str):
        return Opaque("invalid")
    t = obj["t"]
    v = obj.get("v")
    try:
        if t == "none":
            return None
        if t == "bool" and type(v) is bool:
            return v
        if t == "int" and type(v) is str and len(v) < 5000:
            return int(v)
        if t == "float" and type(v) is str:
            return float(v)
        if t == "complex":
            return complex(float(v[0]), float(v[1]))
        if t == "str" and type(v) is str:
            return v
        if t == "bytes":
            return base64.b64decode(v)
        if t in ("list", "tuple", "set", "frozenset") and type(v) is list:
            items = [decode(x, depth + 1) for x in v]
            return {"list": list, "tuple": tuple, "set": set, "frozenset": frozenset}[t](items)
        if t == "dict" and type(v) is list:
            return {decode(k, depth + 1): decode(x, depth + 1) for k, x in v}
        if t == "date":
            return _dt.date.fromisoformat(v)
        if t == "datetime":
            return _dt.datetime.fromisoformat(v)
        if t == "missing":
            return Missing()
        if t == "callable":
            return CallableRef()
        if t == "module" and type(v) is str:
            return ModuleRef(v)
        if t in ("npscalar", "ndarray"):
            import numpy as np

            dtype = np.dtype(str(obj["dtype"]))
            if dtype.kind not in _ALLOWED_DTYPE_KINDS and not (t == "npscalar" and dtype.kind == "U"):
                return Opaque("numpy-object")
            raw = base64.b64decode(v)
            if t == "npscalar":
                return np.frombuffer(raw, dtype=dtype)[0]
            shape = tuple(int(s) for s in obj["shape"])
            return np.frombuffer(raw, dtype=dtype).reshape(shape).copy()
        if t == "timestamp":
            import pandas as pd

            return pd.Timestamp(v)
        if t in ("frame", "series"):
            import pandas as pd
            import pyarrow as pa

            table = pa.ipc.open_stream(base64.b64decode(v)).read_all()
            frame = table.to_pandas()
            if t == "series":
                s = frame["__o2o_series__"]
                s.name = decode(obj.get("name"), depth + 1)
                return s
            return frame
    except Exception:
        return Opaque("invalid")
    return Opaque(str(obj.get("type", t)))


def decode_json(text: str) -> Any:
    if len(text) > MAX_BYTES * 2:
        return Opaque("too-big")
    return json.loads(text)


def host_encode(value: Any) -> Any:
    """Encode an argument on the trusted side with the same format (for calls into the kernel)."""
    ns: dict[str, Any] = {}
    exec(compile(KERNEL_SOURCE, "<o2o-codec>", "exec"), ns)
    return ns["__o2o_encode"](value)


def is_finite_number(x: Any) -> bool:
    return isinstance(x, (int, float)) and not isinstance(x, bool) and math.isfinite(x)


KERNEL_SOURCE += "\nfrom o2o.grading.codec import decode as __o2o_decode\n"
