"""The second hostile class: attacks on the grader itself (decoding, links, watchdog, display, limits, traces).

Each case returns (inbound files, files planted directly in submitted/ after collect, expected score,
a word its summary row must contain). Scores are for the demo fixture (8 autograded points:
t_double 2, t_top 3, t_cost 1, t_city 2).
"""

from __future__ import annotations

import base64
import json
from typing import Any

FULL = 8.0

# The student's later cell replaces the kernel-side encoder: the reply is whatever the student wants.
def _forge(payload_expr: str) -> str:
    return (f"\n__o2o_forged = {payload_expr}\n"
            "def __o2o_dump(names):\n    return __o2o_forged\n")


def _arrow_bomb() -> str:
    import pyarrow as pa

    table = pa.table({"a": pa.array([0] * 200_000, pa.int64())})
    sink = pa.BufferOutputStream()
    with pa.ipc.new_stream(sink, table.schema, options=pa.ipc.IpcWriteOptions(compression="zstd")) as w:
        w.write_table(table)
    return base64.b64encode(sink.getvalue().to_pybytes()).decode()


def _frame_json(**over: Any) -> dict[str, Any]:
    frame = {"t": "series", "name": {"t": "str", "v": "sales"},
             "index": {"kind": "index", "name": {"t": "str", "v": "city"}, "data": {"dtype": "object", "v": ["东莞", "深圳"]}},
             "data": {"dtype": "float64", "v": [15.0, 12.0]}}
    frame.update(over)
    return frame


def _reply(by_city: dict[str, Any]) -> str:
    return repr(json.dumps({"best": {"t": "str", "v": "东莞"}, "by_city": by_city}))


SHM = (
    "import ctypes\nlibc = ctypes.CDLL(None, use_errno=True)\n"
    "libc.shmat.restype = ctypes.c_void_p\n"
    "seg = libc.shmget(0, ctypes.c_size_t(3 * 1024 ** 3), 0o1600)\n"
    "print('shm segment', seg)\n"
    "if seg >= 0:\n    addr = libc.shmat(seg, None, 0)\n    ctypes.memset(addr, 1, 3 * 1024 ** 3)\n"
)

RECORD = "seen = []\ndef double(x):\n    seen.append(x)\n    return 2 * x"

# Rewrites the grader's call helper before every execution, to record what the hidden tests pass.
SPY = (RECORD + "\nspied = []\n"
       "def _spy(name, payload):\n    spied.append(payload)\n    import json\n"
       "    args, kwargs = json.loads(payload)\n"
       "    return json.dumps(__o2o_encode(globals()[name](*[__o2o_decode(a) for a in args])))\n"
       "get_ipython().events.register('pre_execute', lambda: globals().__setitem__('__o2o_call', _spy))\n")

ESC_NAME = "x\x1b[2J\x1b[1A\r\ns01_full           已评分 graded        0 of 8  .ipynb"


def cases(full: dict[str, str], fill: Any, release: dict[str, Any], source_nb: str, gradebook: str) -> dict[str, dict[str, Any]]:
    def nb(**changes: str) -> str:
        a = dict(full)
        a.update(changes)
        return json.dumps(fill(release, a), ensure_ascii=False)

    city = full["q_city"]
    surrogate = fill(release, full)
    surrogate["cells"].append({"cell_type": "code", "id": "extra-1", "execution_count": None, "outputs": [],
                               "metadata": {"nbgrader": {"grade_id": "\ud800 ok", "solution": False, "grade": False}},
                               "source": "print('x')"})
    return {
        # 1. crafted replies instead of the encoder's JSON
        "h01_arrow_bomb": {"inbound": {"demo.ipynb": nb(q_city=city + _forge(_reply({"t": "frame", "v": _arrow_bomb()})))},
                           "score": 6.0, "word": "refused"},
        "h02_out_of_bounds": {"inbound": {"demo.ipynb": nb(q_city=city + _forge(_reply(
            {"t": "ndarray", "dtype": "<f8", "shape": [10 ** 9], "v": base64.b64encode(b"\0" * 16).decode()})))},
                              "score": 6.0, "word": "refused"},
        "h03_repetition_bomb": {"inbound": {"demo.ipynb": nb(q_city=city + _forge("'[' + '0,' * 1_200_000 + '0]'"))},
                                "score": 6.0, "word": "refused"},
        "h04_wrong_schema": {"inbound": {"demo.ipynb": nb(q_city=city + _forge(_reply(_frame_json(
            data={"dtype": "float64", "v": [15.0, 12.0, 1.0]}))))}, "score": 6.0, "word": "refused"},
        "h05_oversized": {"inbound": {"demo.ipynb": nb(q_city=city + _forge("'\"' + 'x' * 20_000_000 + '\"'"))},
                          "score": 6.0, "word": "refused"},
        "h06_module_sysexit": {"inbound": {"demo.ipynb": nb(q_city=city + "\nimport types\nby_city = types.ModuleType('numpy.f2py.__main__')")},
                               "score": 6.0, "word": ""},
        # 2. links, devices and FIFOs, through the exchange and directly in submitted/
        "h07_link_source_inbound": {"inbound": {"demo.ipynb": ("link", source_nb)}, "score": 0.0, "word": "missing"},
        "h08_link_gradebook_inbound": {"inbound": {"demo.ipynb": nb(), "notes.txt": ("link", gradebook)},
                                       "score": FULL, "word": ""},
        "h09_devzero_inbound": {"inbound": {"demo.ipynb": ("link", "/dev/zero")}, "score": 0.0, "word": "missing"},
        "h10_link_source_direct": {"inbound": {"demo.ipynb": nb(q_top="top = []")}, "direct": {"demo.ipynb": ("link", source_nb)},
                                   "score": 0.0, "word": "symbolic link"},
        "h11_devzero_direct": {"inbound": {"demo.ipynb": nb()}, "direct": {"demo.ipynb": ("link", "/dev/zero")},
                               "score": 0.0, "word": "symbolic link"},
        "h12_fifo_direct": {"inbound": {"demo.ipynb": nb()}, "direct": {"answers.csv": ("fifo", "")},
                            "score": FULL, "word": "FIFO"},
        "h13_extra_link_direct": {"inbound": {"demo.ipynb": nb()}, "direct": {"data.db": ("link", gradebook)},
                                  "score": FULL, "word": "symbolic link"},
        # 4. names and ids that try to move the cursor, add a row or break the encoding
        "h14_escape_name": {"inbound": {"demo.ipynb": nb(), ESC_NAME: nb()}, "score": FULL, "word": "extra notebooks"},
        "h15_surrogate_id": {"inbound": {"demo.ipynb": json.dumps(surrogate)},
                             "score": FULL, "word": "unknown grade id"},
        "h16_lone_surrogate_output": {"inbound": {"demo.ipynb": nb(q_top="top = [9, 5]\nprint('\\ud800 lone')")},
                                      "score": FULL, "word": ""},
        # 5. shared memory beyond the limit; 6. a function that records the hidden tests' arguments
        "h17_sysv_shm": {"inbound": {"demo.ipynb": nb(q_cost="cost = 60.0\n" + SHM)}, "score": FULL, "word": ""},
        "h18_recorder": {"inbound": {"demo.ipynb": nb(q_double=RECORD, q_cost="cost = 60.0\nprint('RECORDED', seen)")},
                         "score": FULL, "word": ""},
        "h19_call_spy": {"inbound": {"demo.ipynb": nb(q_double=SPY, q_cost="cost = 60.0\nprint('SPIED', spied, seen)")},
                         "score": FULL, "word": ""},
    }
