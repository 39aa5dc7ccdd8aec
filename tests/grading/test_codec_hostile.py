"""Crafted replies from a hostile kernel: the trusted decoder refuses them within bounds, never leaking bytes."""

from __future__ import annotations

import base64
import json
import tracemalloc

import numpy as np
import pandas as pd
import pyarrow as pa
import pytest

from o2o.grading import codec
from o2o.grading.codec_kernel import KERNEL_SOURCE

SECRET = "HIDDENSECRETMARKER"


def _roundtrip(value):
    ns: dict = {}
    exec(KERNEL_SOURCE, ns)
    return codec.decode(codec.decode_text(json.dumps(ns["__o2o_encode"](value))))


@pytest.fixture(autouse=True)
def no_arrow_decoding(monkeypatch):
    """The trusted side never hands a byte of the reply to libarrow's readers."""
    def refuse(*a, **k):
        raise AssertionError("Arrow decoding on the trusted side")

    for name in ("open_stream", "open_file", "read_message", "read_record_batch"):
        monkeypatch.setattr(pa.ipc, name, refuse)


def test_frames_series_and_dtypes_cross_exactly() -> None:
    frames = [
        pd.DataFrame({"a": [1, 2], "b": ["x", None], "c": [1.5, float("nan")], "d": [True, False]}),
        pd.DataFrame({"t": pd.to_datetime(["2015-01-01", None]), "k": pd.Categorical(["甲", "乙"], ordered=True)},
                     index=pd.Index(["r1", "r2"], name="行")),
        pd.DataFrame({("x", 1): [1], ("x", 2): [2]}).set_axis(pd.MultiIndex.from_tuples([("p", 1)], names=["a", "b"])),
        pd.DataFrame({"o": pd.Series([1, "a", None], dtype=object), "u": np.array([1, 2, 3], dtype=np.uint16)}),
        pd.DataFrame(),
    ]
    for df in frames:
        pd.testing.assert_frame_equal(_roundtrip(df), df)
    s = pd.Series({"东莞": 15.0, "深圳": 12.0}, name="sales")
    s.index.name = "city"
    pd.testing.assert_series_equal(_roundtrip(s), s)
    td = pd.Series(pd.to_timedelta([1, 2], unit="s"))
    pd.testing.assert_series_equal(_roundtrip(td), td)


def test_old_arrow_payload_is_refused_without_parsing() -> None:
    table = pa.table({"a": [1, 2, 3]})
    sink = pa.BufferOutputStream()
    with pa.ipc.new_stream(sink, table.schema, options=pa.ipc.IpcWriteOptions(compression="zstd")) as w:
        w.write_table(table)
    blob = base64.b64encode(sink.getvalue().to_pybytes()).decode()
    for t in ("frame", "series"):
        assert isinstance(codec.decode({"t": t, "v": blob}), codec.Opaque)


CRAFTED = [
    # out-of-bounds: shape larger than the data, data larger than the shape, scalar too short
    {"t": "ndarray", "dtype": "<i8", "shape": [10 ** 9], "v": base64.b64encode(b"\0" * 8).decode()},
    {"t": "ndarray", "dtype": "<i8", "shape": [1], "v": base64.b64encode(b"\0" * 800).decode()},
    {"t": "ndarray", "dtype": "<i8", "shape": [-1], "v": ""},
    {"t": "npscalar", "dtype": "<f8", "v": base64.b64encode(b"\1").decode()},
    {"t": "ndarray", "dtype": "|O", "shape": [1], "v": base64.b64encode(b"\0" * 8).decode()},
    {"t": "ndarray", "dtype": "(1000000000,)i8", "shape": [1], "v": ""},
    {"t": "ndarray", "dtype": "V8", "shape": [1], "v": base64.b64encode(b"\0" * 8).decode()},
    # repetition: a range index of 10^12 rows, a categorical with codes out of range
    {"t": "series", "name": {"t": "none"}, "index": {"kind": "range", "name": {"t": "none"}, "v": [0, 10 ** 12, 1]},
     "data": {"dtype": "int64", "v": [1]}},
    {"t": "series", "name": {"t": "none"}, "index": {"kind": "range", "name": {"t": "none"}, "v": [0, 1, 1]},
     "data": {"dtype": "category", "ordered": False, "categories": {"dtype": "object", "v": ["a"]}, "v": [7]}},
    # wrong schema: lengths disagree, a dtype not on the list, values of the wrong type, objects in object columns
    {"t": "frame", "index": {"kind": "range", "name": {"t": "none"}, "v": [0, 2, 1]},
     "columns": {"kind": "index", "name": {"t": "none"}, "data": {"dtype": "object", "v": ["a"]}},
     "data": [{"dtype": "int64", "v": [1, 2, 3]}]},
    {"t": "frame", "index": {"kind": "range", "name": {"t": "none"}, "v": [0, 1, 1]},
     "columns": {"kind": "index", "name": {"t": "none"}, "data": {"dtype": "object", "v": ["a"]}},
     "data": [{"dtype": "complex256", "v": [1]}]},
    {"t": "series", "name": {"t": "none"}, "index": {"kind": "range", "name": {"t": "none"}, "v": [0, 1, 1]},
     "data": {"dtype": "float64", "v": ["1e5"]}},
    {"t": "series", "name": {"t": "none"}, "index": {"kind": "range", "name": {"t": "none"}, "v": [0, 1, 1]},
     "data": {"dtype": "object", "v": [{"t": "int", "v": "1"}]}},
    {"t": "series", "name": {"t": "none"}, "index": {"kind": "range", "name": {"t": "none"}, "v": [0, 1, 1]},
     "data": {"dtype": "int8", "v": [100000]}},
    {"t": "series", "index": {"kind": "multi", "names": [], "levels": []}, "data": {"dtype": "int8", "v": []}},
    {"t": "dict", "v": [[{"t": "list", "v": []}, {"t": "none"}]]},
    {"t": "dict", "v": [[1, 2, 3]]},
    {"t": "int", "v": "9" * 100_000},
    {"t": "opaque", "type": SECRET + "\x1b[2J\n"},
    {"t": "module", "v": "numpy.f2py.__main__;"},
]


@pytest.mark.parametrize("payload", CRAFTED, ids=range(len(CRAFTED)))
def test_crafted_payloads_become_opaque_with_a_fixed_reason(payload) -> None:
    back = codec.decode(json.loads(json.dumps(payload)))
    assert isinstance(back, codec.Opaque)
    assert "\x1b" not in repr(back) and "\n" not in repr(back)
    with pytest.raises(TypeError) as e:
        back == 1  # noqa: B015
    assert "\x1b" not in str(e.value)


def test_oversized_and_bomb_replies_are_refused_before_parsing(monkeypatch) -> None:
    calls = []
    real = json.loads
    monkeypatch.setattr(codec.json, "loads", lambda s, *a, **k: calls.append(len(s)) or real(s, *a, **k))
    bombs = [
        '"' + "x" * (codec.MAX_TEXT + 1) + '"',            # too long
        "[" + "0," * (codec.MAX_TOKENS + 1) + "0]",         # repetition: many tiny values
        "{" + '"a":1,' * (codec.MAX_TOKENS // 2 + 1) + '"b":2}',
    ]
    for text in bombs:
        with pytest.raises(codec.Refused) as e:
            codec.decode_text(text)
        assert "x" * 10 not in str(e.value) and '"a"' not in str(e.value)
    assert calls == []
    with pytest.raises(codec.Refused):
        codec.decode_text("[" * 100_000 + "]" * 100_000)  # nesting bomb: parsed, refused, no crash
    with pytest.raises(codec.Refused):
        codec.decode_text(b"{}")


def test_reply_must_be_a_plain_string_literal() -> None:
    assert codec.unrepr(repr(json.dumps({"a": "é"}))) == json.dumps({"a": "é"})
    for bad in ("__import__('os').system('x')", "'a' + 'b'", "b'x'", "('x',)", "'\x1b'", None, "'" + "x" * (3 * codec.MAX_TEXT) + "'"):
        with pytest.raises(codec.Refused):
            codec.unrepr(bad)


def test_worst_case_reply_stays_within_the_memory_bound() -> None:
    """The largest reply the limits let through is rebuilt in under 400 MB of grader memory."""
    n = codec.MAX_TOKENS // 3 - 10
    text = json.dumps({"t": "list", "v": [{"t": "none"}] * n}, separators=(",", ":"))
    assert len(text) <= codec.MAX_TEXT
    tracemalloc.start()
    try:
        back = codec.decode(codec.decode_text(text))
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert isinstance(back, list) and len(back) == n
    assert peak < 400 * 1024 ** 2, peak
    big = [{"t": "none"}] * (codec.MAX_ELEMENTS + 5)
    assert isinstance(codec.decode({"t": "list", "v": big}), codec.Opaque)


def test_a_module_named_by_the_student_is_never_imported() -> None:
    import sys

    from o2o.grading.trusted import TrustedEvaluator

    names = {"np": codec.ModuleRef("numpy"), "evil": codec.ModuleRef("numpy.f2py.__main__"),
             "other": codec.ModuleRef("antigravity")}
    ev = TrustedEvaluator(lambda want: {n: names[n] for n in want}, None)
    assert ev.run("assert np.sum([1, 2]) == 3").passed
    v = ev.run("evil.main()")
    assert not v.passed and v.ename == "TypeError"
    assert not ev.run("other.this").passed
    assert "numpy.f2py.__main__" not in sys.modules and "antigravity" not in sys.modules


def test_the_grader_refuses_oversized_kernel_messages(tmp_path) -> None:
    import zmq

    from o2o.grading.kernel import MAX_MESSAGE_BYTES, bounded_context

    grader = bounded_context().socket(zmq.PULL)
    kernel = zmq.Context.instance().socket(zmq.PUSH)
    try:
        grader.bind(f"ipc://{tmp_path}/s")
        kernel.connect(f"ipc://{tmp_path}/s")
        kernel.send(b"x" * (MAX_MESSAGE_BYTES + 1))
        assert grader.poll(2000) == 0  # dropped with the connection, never read into the grader's memory
    finally:
        grader.close(0)
        kernel.close(0)
