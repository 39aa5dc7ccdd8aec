"""The encoder that runs inside the student's kernel (untrusted side of :mod:`o2o.grading.codec`).

:data:`KERNEL_SOURCE` is sent to the kernel and defines ``__o2o_encode``, ``__o2o_dump`` and
``__o2o_call``. It turns a value into JSON made of type-tagged plain values only: no binary
container, no offsets, nothing a decoder must trust. pandas objects go out as an explicit schema
(index, column labels, one dtype from an allow-list per column, values as JSON lists).

The student can replace these functions; nothing here is trusted. The trusted decoder checks every
byte it receives against the format in :mod:`o2o.grading.codec`.
"""

KERNEL_SOURCE = r'''
def __o2o_encode(value, _depth=0, _budget=None):
    import base64, math, sys, types, datetime, functools
    if _budget is None:
        _budget = [0]
    def enc(x):
        return __o2o_encode(x, _depth + 1, _budget)
    def spend(n):
        _budget[0] += n
        if _budget[0] > 4_000_000:
            raise MemoryError("too big")
    if _depth > 30:
        return {"t": "opaque", "type": "too-deep"}
    spend(1)
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
        spend(len(value) // 8)
        return {"t": "str", "v": value}
    if t is bytes:
        spend(len(value) // 8)
        return {"t": "bytes", "v": base64.b64encode(value).decode()}
    if t in (list, tuple, set, frozenset):
        items = list(value)
        if t in (set, frozenset):
            try:
                items = sorted(items, key=repr)
            except Exception:
                pass
        return {"t": t.__name__, "v": [enc(x) for x in items]}
    if t is dict:
        return {"t": "dict", "v": [[enc(k), enc(v)] for k, v in value.items()]}
    if t is datetime.date:
        return {"t": "date", "v": value.isoformat()}
    if t is datetime.datetime and value.tzinfo is None:
        return {"t": "datetime", "v": value.isoformat()}
    if t is types.ModuleType:
        return {"t": "module", "v": value.__name__}
    if t in (types.FunctionType, types.BuiltinFunctionType, types.MethodType, functools.partial):
        return {"t": "callable"}
    np = sys.modules.get("numpy")
    if np is not None:
        if isinstance(value, np.generic) and t.__module__ == "numpy" and value.dtype.kind in "biufcmMU?":
            return {"t": "npscalar", "dtype": value.dtype.str, "v": base64.b64encode(value.tobytes()).decode()}
        if t is np.ndarray and value.dtype.kind in "biufcmM?":
            data = np.ascontiguousarray(value).tobytes()
            spend(len(data) // 8)
            return {"t": "ndarray", "dtype": value.dtype.str, "shape": list(value.shape),
                    "v": base64.b64encode(data).decode()}
    pd = sys.modules.get("pandas")
    if pd is not None:
        if t is pd.Timestamp and value.tzinfo is None:
            return {"t": "timestamp", "v": value.isoformat()}
        if t in (pd.Series, pd.DataFrame):
            try:
                return __o2o_pandas(value, t is pd.Series, spend, enc)
            except (TypeError, ValueError, KeyError):
                return {"t": "opaque", "type": "unsupported-" + t.__name__}
    return {"t": "opaque", "type": getattr(t, "__qualname__", "?")}

def __o2o_pandas(value, is_series, spend, enc):
    if is_series:
        return {"t": "series", "name": enc(value.name), "index": __o2o_index(value.index, spend, enc),
                "data": __o2o_column(value, spend)}
    return {"t": "frame", "index": __o2o_index(value.index, spend, enc),
            "columns": __o2o_index(value.columns, spend, enc),
            "data": [__o2o_column(value.iloc[:, i], spend) for i in range(value.shape[1])]}

def __o2o_column(col, spend):
    import sys
    np, pd = sys.modules["numpy"], sys.modules["pandas"]
    dt = col.dtype
    spend(len(col))
    if isinstance(dt, pd.CategoricalDtype):
        cat = pd.Categorical(col)
        return {"dtype": "category", "ordered": bool(dt.ordered),
                "categories": __o2o_column(pd.Series(cat.categories), spend), "v": cat.codes.tolist()}
    if isinstance(dt, pd.StringDtype):
        vals = [None if (x is pd.NA or (type(x) is float and x != x)) else x for x in col.tolist()]
        if not all(v is None or type(v) is str for v in vals):
            raise TypeError("mixed")
        return {"dtype": "str", "storage": dt.storage, "na": "NA" if dt.na_value is pd.NA else "nan", "v": vals}
    if isinstance(dt, np.dtype) and dt.kind in "biuf":
        return {"dtype": dt.name, "v": col.to_numpy().tolist()}
    if isinstance(dt, np.dtype) and dt.kind in "mM":
        return {"dtype": dt.name, "v": col.to_numpy().view("i8").tolist()}
    if isinstance(dt, np.dtype) and dt.kind == "O":
        vals = col.tolist()
        for v in vals:
            if not (v is None or type(v) in (str, int, bool) or (type(v) is float and v == v)):
                raise TypeError("object")
        return {"dtype": "object", "v": vals}
    raise TypeError("dtype")

def __o2o_index(idx, spend, enc):
    import sys
    pd = sys.modules["pandas"]
    if type(idx) is pd.RangeIndex:
        return {"kind": "range", "name": enc(idx.name), "v": [idx.start, idx.stop, idx.step]}
    if type(idx) is pd.MultiIndex:
        return {"kind": "multi", "names": [enc(n) for n in idx.names],
                "levels": [__o2o_column(pd.Series(idx.get_level_values(i)), spend) for i in range(idx.nlevels)]}
    return {"kind": "index", "name": enc(idx.name), "data": __o2o_column(pd.Series(idx), spend)}

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
        except BaseException:
            out[n] = {"t": "opaque", "type": "error"}
    return json.dumps(out)

def __o2o_call(name, payload):
    import json
    args, kwargs = json.loads(payload)
    f = globals()[name]
    result = f(*[__o2o_decode(a) for a in args], **{k: __o2o_decode(v) for k, v in kwargs.items()})
    return json.dumps(__o2o_encode(result))
'''
