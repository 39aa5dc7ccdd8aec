"""Unit tests of each grading step on notebooks and values built in memory."""

from __future__ import annotations

import json

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from o2o.grading import codec
from o2o.grading.codec_kernel import KERNEL_SOURCE
from o2o.grading.feedback import escape_markdown, remove_hidden, sanitize_notebook, sanitize_output
from o2o.grading.repair import read_notebook, repair
from o2o.grading.spec import CellSpec, NotebookSpec
from o2o.grading.trusted import HIDDEN_FAIL_ZH, TrustedEvaluator, imported_by, strip_hidden


def _roundtrip(value):
    ns: dict = {}
    exec(KERNEL_SOURCE, ns)
    return codec.decode(json.loads(json.dumps(ns["__o2o_encode"](value))))


# ---------------------------------------------------------------- codec
@settings(max_examples=60, deadline=None)
@given(st.recursive(st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text(),
                    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=5), inner, max_size=4)
                    | st.tuples(inner, inner), max_leaves=20))
def test_plain_values_cross_with_exact_types(value) -> None:
    back = _roundtrip(value)
    assert back == value
    assert type(back) is type(value)


def test_pandas_and_numpy_cross() -> None:
    s = pd.Series({"东莞": 15.0, "深圳": 12.0}, name="sales")
    s.index.name = "city"
    pd.testing.assert_series_equal(_roundtrip(s), s)
    df = pd.DataFrame({"a": [1, 2], "b": ["x", "y"]})
    pd.testing.assert_frame_equal(_roundtrip(df), df)
    arr = np.arange(6, dtype=np.int32).reshape(2, 3)
    back = _roundtrip(arr)
    assert back.dtype == np.int32 and (back == arr).all()
    assert type(_roundtrip(np.int64(3))) is np.int64


def test_fake_values_become_opaque_and_fail_every_comparison() -> None:
    class Yes(list):
        def __eq__(self, other):
            return True

    class Anything:
        def __eq__(self, other):
            return True

    for fake in (Yes(), Anything(), np.array([object()])):
        back = _roundtrip(fake)
        assert isinstance(back, codec.Opaque)
        with pytest.raises(TypeError):
            back == [9, 5]  # noqa: B015
        with pytest.raises(TypeError):
            bool(back)


def test_decoder_rejects_malformed_input() -> None:
    for bad in (None, [], {"t": 5}, {"t": "ndarray", "dtype": "O", "shape": [1], "v": ""}, {"t": "int", "v": "x"}):
        assert isinstance(codec.decode(bad), codec.Opaque)


# ---------------------------------------------------------------- trusted evaluator
def _evaluator(student: dict):
    calls = []

    def fetch(names):
        calls.append(names)
        return {n: student.get(n, codec.Missing()) for n in names}

    def call(name, args, kwargs):
        return student["__funcs__"][name](*args, **kwargs)

    return TrustedEvaluator(fetch, call), calls


def test_hidden_failure_message_reveals_nothing() -> None:
    ev, _ = _evaluator({"x": 3})
    src = "assert isinstance(x, int), '应为整数'\n### BEGIN HIDDEN TESTS\nassert x == 4, 'expected 4'\n### END HIDDEN TESTS"
    v = ev.run(src)
    assert not v.passed and v.hidden and "expected 4" not in HIDDEN_FAIL_ZH
    v = TrustedEvaluator(lambda n: {"x": "s"}, None).run(src)
    assert not v.passed and not v.hidden and v.message == "应为整数"


def test_builtins_are_never_taken_from_the_student_and_trusted_names_win() -> None:
    ev, calls = _evaluator({"budget": 10 ** 9, "cost": 500.0, "len": lambda *_: 0})
    assert ev.run("budget = 100.0").passed
    v = ev.run("assert len([1, 2]) == 2\nassert cost <= budget")
    assert not v.passed
    assert all("len" not in c and "budget" not in c for c in calls)


def test_student_functions_are_called_through_the_proxy() -> None:
    ev, _ = _evaluator({"double": codec.CallableRef(), "__funcs__": {"double": lambda x: 2 * x}})
    assert ev.run("assert double(21) == 42").passed


def test_partial_credit_and_stderr_follow_nbgrader() -> None:
    ev, _ = _evaluator({})
    assert ev.run("0.5").partial == 0.5
    assert not ev.run("import sys\nsys.stderr.write('oops')").passed


def test_the_modules_tests_import_are_found_without_running_them() -> None:
    sources = ["import math, o2o.data as d\n### BEGIN HIDDEN TESTS\nfrom o2o.assignments.answers import m3_q1 as _h\n"
               "def f():\n    import statistics\n### END HIDDEN TESTS",
               "from . import local\nfrom .. import up", "%timeit import json", "x = __import__('os')"]
    assert imported_by(sources) == {"math", "o2o.data", "o2o.assignments.answers", "statistics"}


def test_strip_hidden() -> None:
    src = "a\n### BEGIN HIDDEN TESTS\nsecret\n### END HIDDEN TESTS\nb"
    assert strip_hidden(src) == "a\nb"
    assert "secret" not in remove_hidden(src)


# ---------------------------------------------------------------- repair
def _spec() -> NotebookSpec:
    def c(gid, kind, src, ctype="code", cid=None):
        md = {"grade_id": gid, "grade": kind in ("test", "manual"), "solution": kind in ("answer", "manual"),
              "locked": kind in ("test", "locked"), "schema_version": 3, "checksum": "x"}
        return CellSpec(gid, ctype, kind, src, "x", cid or gid, md, 1.0 if kind == "test" else None)

    return NotebookSpec("nb", [c("setup", "locked", "K = 1"), c("q", "answer", "raise NotImplementedError()"),
                               c("t", "test", "assert a == 1\n### BEGIN HIDDEN TESTS\nassert a == 1\n### END HIDDEN TESTS")],
                        {"kernelspec": {"name": "python3", "display_name": "Python 3"}})


def _student(cells):
    return {"nbformat": 4, "nbformat_minor": 5, "metadata": {}, "cells": cells}


def _cell(gid, src, cid=None, **md):
    meta = {"nbgrader": {"grade_id": gid, **md}} if gid else {}
    return {"cell_type": "code", "id": cid or (gid or "free"), "metadata": meta, "source": src, "outputs": []}


def test_repair_restores_locked_and_test_cells_and_keeps_answers() -> None:
    nb = _student([_cell("setup", "K = 999"), _cell("q", "a = 1"), _cell(None, "print('mine')", "extra"),
                   _cell("t", "pass")])
    out, flags = repair(nb, _spec())
    srcs = [c["source"] for c in out["cells"]]
    assert srcs == ["K = 1", "a = 1", "print('mine')", _spec().cells[2].source]
    assert {f.code for f in flags} == {"edited_locked", "edited_test"}


def test_repair_duplicates_stripped_metadata_and_deleted_cells() -> None:
    nb = _student([_cell("q", "a = 1"), _cell("q", "a = 2"), _cell("t", "x")])
    out, flags = repair(nb, _spec())
    assert [c["source"] for c in out["cells"]].count("a = 1") == 1 and "a = 2" not in str(out)
    assert {"duplicate", "restored_cell"} <= {f.code for f in flags}
    stripped = _student([{"cell_type": "code", "id": "q", "metadata": {}, "source": "a = 1", "outputs": []}])
    out, flags = repair(stripped, _spec())
    assert any(c["source"] == "a = 1" and c["metadata"].get("nbgrader", {}).get("grade_id") == "q" for c in out["cells"])
    assert len({c["id"] for c in out["cells"]}) == len(out["cells"])


def test_corrupt_and_blank(tmp_path) -> None:
    p = tmp_path / "nb.ipynb"
    p.write_text("{not json")
    nb, flags = read_notebook(p)
    assert nb is None and flags[0].code == "corrupt_json"
    out, _ = repair(None, _spec())
    assert [c["source"] for c in out["cells"]][1] == "raise NotImplementedError()"


# ---------------------------------------------------------------- feedback
def test_outputs_and_markdown_are_sanitized() -> None:
    out = sanitize_output({"output_type": "display_data", "data": {"text/html": "<script>alert(1)</script>",
                                                                   "application/javascript": "alert(1)"}})
    assert "script" not in json.dumps(out)
    assert "<script" not in escape_markdown("a<script>x</script>")
    assert "javascript:" not in escape_markdown("[x](javascript:alert(1))")
    nb = {"cells": [{"cell_type": "code", "metadata": {}, "source": "1\n### BEGIN HIDDEN TESTS\nsecret\n### END HIDDEN TESTS",
                     "outputs": []}]}
    assert "secret" not in json.dumps(sanitize_notebook(nb))


# ---------------------------------------------------------------- gradebook
def _gradebook(tmp_path):
    from nbgrader.api import Gradebook

    gb = Gradebook(f"sqlite:///{tmp_path / 'gradebook.db'}")
    gb.add_assignment("a")
    gb.add_notebook("nb", "a")
    gb.add_grade_cell("t", "nb", "a", max_score=2, cell_type="code")
    gb.add_source_cell("t", "nb", "a", cell_type="code", locked=True, source="assert True", checksum="c")
    return gb


def _graded_nb(gid: str, error: bool) -> dict:
    outputs = [{"output_type": "error", "ename": "AssertionError", "evalue": "", "traceback": []}] if error else []
    return {"nbformat": 4, "nbformat_minor": 5, "metadata": {},
            "cells": [{"cell_type": "code", "id": "x", "source": "assert True", "execution_count": 1, "outputs": outputs,
                       "metadata": {"nbgrader": {"grade": True, "solution": False, "locked": True, "points": 2,
                                                 "grade_id": gid, "schema_version": 3}}}]}


def test_student_results_are_written_in_one_transaction(tmp_path, monkeypatch) -> None:
    import os
    import sys

    monkeypatch.setenv("PATH", f"{os.path.dirname(sys.executable)}{os.pathsep}{os.environ.get('PATH', '')}")
    from o2o.grading.gradebook_io import backup, write_student

    gb = _gradebook(tmp_path)
    assert write_student(gb, "a", "alice", {"nb": _graded_nb("t", error=False)}, None) == {"nb": 2.0}
    assert backup(f"sqlite:///{tmp_path / 'gradebook.db'}") is not None
    # a crash half-way (unknown cell) leaves alice's grades and the absent bob exactly as they were
    with pytest.raises(Exception):
        write_student(gb, "a", "alice", {"nb": _graded_nb("nope", error=True)}, None)
    with pytest.raises(Exception):
        write_student(gb, "a", "bob", {"nb": _graded_nb("nope", error=False)}, None)
    assert gb.find_submission("a", "alice").score == 2.0
    assert [s.id for s in gb.students] == ["alice"]
    assert write_student(gb, "a", "carol", {"nb": None}, None) == {"nb": 0.0}
    gb.close()
