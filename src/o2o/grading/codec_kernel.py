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

def __o2o_call(name, payload, timeout_ms=50000):
    # The trusted tests' call runs in a fork of this kernel that dies afterwards: nothing it records
    # stays in the kernel. While it runs, this process waits holding the GIL, so no thread of the
    # student's kernel runs either; the fork may write only its result to its pipe (seccomp).
    import ctypes, json, os, signal, sys, io
    args, kwargs = json.loads(payload)
    f = globals()[name]
    r, w = os.pipe()
    pid = os.fork()
    if pid == 0:
        out = b"er"
        try:
            os.close(r)
            sys.stdout = sys.stderr = io.StringIO()
            __o2o_seal(w)
            res = f(*[__o2o_decode(a) for a in args], **{k: __o2o_decode(v) for k, v in kwargs.items()})
            out = ("ok" + json.dumps(__o2o_encode(res))).encode()
        except BaseException as e:
            out = ("er" + type(e).__name__[:60]).encode()
        finally:
            try:
                view = memoryview(out)
                while view:
                    view = view[os.write(w, view[:1 << 16]):]
            finally:
                os._exit(0)
    os.close(w)
    libc = ctypes.PyDLL(None, use_errno=True)  # PyDLL: the GIL stays held during read and poll
    pfd = (ctypes.c_int * 2)(r, 1)  # struct pollfd {int fd; short events = POLLIN; short revents}
    buf = ctypes.create_string_buffer(1 << 16)
    chunks = []
    try:
        while True:
            if libc.poll(pfd, 1, timeout_ms) <= 0:
                raise TimeoutError("call took too long")
            n = libc.read(r, buf, 1 << 16)
            if n <= 0:
                break
            chunks.append(buf.raw[:n])
    finally:
        os.close(r)
        try:
            os.kill(pid, signal.SIGKILL)
        except OSError:
            pass
        os.waitpid(pid, 0)
    data = b"".join(chunks).decode("utf-8", "replace")
    if not data.startswith("ok"):
        raise RuntimeError("student function raised " + data[2:])
    return data[2:]

def __o2o_seal(wfd):
    import ctypes, platform, struct
    libc = ctypes.CDLL(None, use_errno=True)
    libc.munmap.argtypes = [ctypes.c_void_p, ctypes.c_size_t]
    with open("/proc/self/maps") as fh:  # shared writable mappings would carry writes back to the kernel
        maps = [ln.split()[:2] for ln in fh]
    for rng, perms in maps:
        if perms[3] == "s" and "w" in perms:
            a, b = (int(x, 16) for x in rng.split("-"))
            libc.munmap(a, b - a)
    if platform.machine() != "x86_64":
        return
    deny = [82, 264, 316, 83, 258, 84, 85, 86, 265, 87, 263, 88, 266, 90, 91, 268, 452, 92, 93, 94, 260, 76, 77,
            132, 235, 261, 280, 133, 259, 188, 189, 190, 197, 198, 199, 62, 200, 234, 129, 297, 424, 41, 42, 44, 46,
            307, 53, 29, 30, 31, 68, 69, 64, 65, 220, 240, 242, 101, 311, 275, 276, 278, 40, 326, 425, 57, 58, 73,
            319, 59, 322]
    LD, JEQ, JSET, RET = 0x20, 0x15, 0x45, 0x06
    ALLOW, ERRNO = 0x7FFF0000, 0x00050000 | 1  # SECCOMP_RET_ERRNO | EPERM
    prog = [(LD, 0, 0, 4), (JEQ, 1, 0, 0xC000003E), (RET, 0, 0, ERRNO), (LD, 0, 0, 0),
            (JSET, 0, 1, 0x40000000), (RET, 0, 0, ERRNO)]  # x86_64 only, no x32 numbers
    for nr in deny:
        prog += [(JEQ, 0, 1, nr), (RET, 0, 0, ERRNO)]
    for nr in (1, 18, 20, 296, 328):  # write, pwrite64, writev, pwritev, pwritev2: only to the result pipe
        prog += [(JEQ, 0, 4, nr), (LD, 0, 0, 16), (JEQ, 0, 1, wfd), (RET, 0, 0, ALLOW), (RET, 0, 0, ERRNO)]
    for nr, off, bits in ((257, 32, 0o3103), (2, 24, 0o3103), (9, 40, 1), (56, 16, 0)):
        # openat/open for writing, mmap MAP_SHARED: refused; clone: only threads (CLONE_THREAD)
        if nr == 56:
            prog += [(JEQ, 0, 4, nr), (LD, 0, 0, off), (JSET, 1, 0, 0x10000), (RET, 0, 0, ERRNO), (RET, 0, 0, ALLOW)]
        else:
            prog += [(JEQ, 0, 4, nr), (LD, 0, 0, off), (JSET, 0, 1, bits), (RET, 0, 0, ERRNO), (RET, 0, 0, ALLOW)]
    prog += [(JEQ, 0, 1, 435), (RET, 0, 0, 0x00050000 | 38), (RET, 0, 0, ALLOW)]  # clone3: ENOSYS, glibc uses clone
    raw = b"".join(struct.pack("HBBI", *ins) for ins in prog)
    buf = ctypes.create_string_buffer(raw)
    fprog = struct.pack("HxxxxxxQ", len(prog), ctypes.addressof(buf))
    fbuf = ctypes.create_string_buffer(fprog)
    libc.prctl.argtypes = [ctypes.c_int, ctypes.c_ulong, ctypes.c_ulong, ctypes.c_ulong, ctypes.c_ulong]
    if libc.prctl(38, 1, 0, 0, 0) != 0 or libc.prctl(22, 2, ctypes.addressof(fbuf), 0, 0) != 0:
        raise OSError("seccomp unavailable")
'''
