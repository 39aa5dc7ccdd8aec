"""The simulated class: honest, partial and hostile submissions with the score each must get.

Each case takes the full solution (a dict ``grade_id -> answer source``) and returns the files the
student hands in. Scores are for the demo fixture: t_double 2, t_top 3, t_cost 1, t_city 2
(8 autograded points; the memo is graded by hand).
"""

from __future__ import annotations

import copy
import json
from typing import Any, Callable

FULL = 8.0
Files = dict[str, Any]  # file name -> notebook dict, or bytes/str for raw content


def answers_of(source_nb: dict[str, Any]) -> dict[str, str]:
    """The solution of every answer cell, with the solution markers removed."""
    out = {}
    for cell in source_nb["cells"]:
        md = cell.get("metadata", {}).get("nbgrader", {})
        if md.get("solution"):
            src = "".join(cell["source"]) if isinstance(cell["source"], list) else cell["source"]
            lines = [ln for ln in src.split("\n") if "### BEGIN SOLUTION" not in ln and "### END SOLUTION" not in ln]
            out[md["grade_id"]] = "\n".join(lines)
    return out


def fill(release: dict[str, Any], answers: dict[str, str]) -> dict[str, Any]:
    nb = copy.deepcopy(release)
    for cell in nb["cells"]:
        gid = cell.get("metadata", {}).get("nbgrader", {}).get("grade_id")
        if gid in answers:
            cell["source"] = answers[gid]
    return nb


def cell(nb: dict[str, Any], gid: str) -> dict[str, Any]:
    return next(c for c in nb["cells"] if c.get("metadata", {}).get("nbgrader", {}).get("grade_id") == gid)


def _src(c: dict[str, Any]) -> str:
    return "".join(c["source"]) if isinstance(c["source"], list) else c["source"]


WRONG = {
    "q_double": "def double(x):\n    return 0",
    "q_top": "top = [5, 9]",
    "q_cost": "cost = 500.0",
    "q_city": 'import pandas as pd\nframe = pd.DataFrame({"city": ["东莞"], "sales": [1.0]})\nby_city = None\nbest = "深圳"',
}


def cases(release: dict[str, Any], full: dict[str, str], course_root: str) -> dict[str, tuple[Callable[[], Files], float]]:
    """student id -> (submission builder, expected autograded score)."""
    nbname = "demo.ipynb"

    def sub(**changes: str) -> dict[str, Any]:
        a = dict(full)
        a.update(changes)
        return fill(release, a)

    def one(nb: Any) -> Files:
        return {nbname: nb}

    def with_cells(fn: Callable[[dict[str, Any]], None], **changes: str) -> Callable[[], Files]:
        def build() -> Files:
            nb = sub(**changes)
            fn(nb)
            return one(nb)
        return build

    def delete_cells(nb: dict[str, Any]) -> None:
        nb["cells"] = [c for c in nb["cells"]
                       if c.get("metadata", {}).get("nbgrader", {}).get("grade_id") not in ("t_top", "q_cost")]

    def duplicate(nb: dict[str, Any]) -> None:
        i = nb["cells"].index(cell(nb, "q_double"))
        wrong = copy.deepcopy(nb["cells"][i])
        wrong["source"] = WRONG["q_double"]
        nb["cells"].insert(i + 2, wrong)
        nb["cells"].insert(i + 3, copy.deepcopy(cell(nb, "t_double")))

    def edit_test(nb: dict[str, Any]) -> None:
        cell(nb, "t_top")["source"] = "pass"
        cell(nb, "t_city")["source"] = "print('全部通过')"

    def edit_readonly(nb: dict[str, Any]) -> None:
        cell(nb, "setup")["source"] = "import math\nBUDGET = 10.0 ** 9"

    def change_ids(nb: dict[str, Any]) -> None:
        for i, c in enumerate(nb["cells"]):
            c["id"] = f"changed-{i}"
        cell(nb, "q_top")["metadata"]["nbgrader"]["grade_id"] = "my_top"

    def strip_meta(nb: dict[str, Any]) -> None:
        for c in nb["cells"]:
            c["metadata"] = {}

    def dup_ids(nb: dict[str, Any]) -> None:
        for c in nb["cells"]:
            c["id"] = "same"

    def script_md(nb: dict[str, Any]) -> None:
        cell(nb, "memo")["source"] = "我的答案<script>alert('xss')</script><img src=x onerror=alert(1)>[点我](javascript:alert(2))"

    hostile_prefix = {
        "override_builtins": (
            "import builtins\n"
            "builtins.isinstance = lambda *a: True\n"
            "builtins.type = lambda *a: list\n"
            "class _A(Exception):\n    pass\n"
            "builtins.AssertionError = _A\n"
            "import pandas\npandas.testing.assert_series_equal = lambda *a, **k: None\n"
        ),
        "override_showtraceback": (
            "ip = get_ipython()\n"
            "ip.showtraceback = lambda *a, **k: None\n"
            "ip._showtraceback = lambda *a, **k: None\n"
            "ip.showsyntaxerror = lambda *a, **k: None\n"
        ),
        "input_transformer": (
            "get_ipython().input_transformers_cleanup.append(lambda lines: [])\n"
        ),
    }

    eq_always = (
        "class Yes(list):\n"
        "    def __eq__(self, other):\n        return True\n"
        "    __hash__ = None\n"
        "class YesF(float):\n"
        "    def __eq__(self, other):\n        return True\n"
        "    def __le__(self, other):\n        return True\n"
        "class YesS(str):\n"
        "    def __eq__(self, other):\n        return True\n"
        "class Anything:\n"
        "    def __eq__(self, other):\n        return True\n"
    )

    read_source = (
        "import glob, os\n"
        "found = []\n"
        f"for pattern in ['/home/**/*.ipynb', '/tmp/**/*.ipynb', '/*/source/**/*.ipynb', '{course_root}/source/**/*.ipynb', '../../source/**/*.ipynb', '{course_root}/gradebook.db']:\n"
        "    try:\n        found += glob.glob(pattern, recursive=True)\n    except Exception:\n        pass\n"
        "hidden = ''\n"
        "for f in found:\n"
        "    try:\n        hidden += open(f, errors='ignore').read()\n    except Exception:\n        pass\n"
        "print('found', found)\n"
        "top = [9, 5] if 'HIDDEN' in hidden else []\n"
    )

    write_others = (
        "import sqlite3, os, glob\n"
        f"for db in ['{course_root}/gradebook.db'] + glob.glob('/home/**/gradebook.db', recursive=True):\n"
        "    try:\n"
        "        con = sqlite3.connect(db)\n"
        "        con.execute(\"update grade set auto_score = 0\")\n        con.commit()\n"
        "    except Exception as e:\n        print('gradebook:', type(e).__name__)\n"
        f"for path in glob.glob('{course_root}/submitted/**/*.ipynb', recursive=True) + glob.glob('{course_root}/autograded/**/*.ipynb', recursive=True):\n"
        "    try:\n        open(path, 'w').write('{}')\n    except Exception as e:\n        print('write:', type(e).__name__)\n"
        "top = [9, 5]\n"
    )

    network = (
        "import socket, urllib.request\n"
        "ok = False\n"
        "for host, port in [('1.1.1.1', 53), ('pypi.org', 443), ('127.0.0.1', 22)]:\n"
        "    try:\n        socket.create_connection((host, port), timeout=2).close(); ok = True\n"
        "    except Exception as e:\n        print('net:', type(e).__name__)\n"
        "top = [9, 5] if ok else []\n"
    )

    table: dict[str, tuple[Callable[[], Files], float]] = {
        "s01_full": (lambda: one(sub()), FULL),
        "s02_blank": (lambda: one(copy.deepcopy(release)), 0.0),
        "s03_partial_double_cost": (lambda: one(sub(q_top=WRONG["q_top"], q_city=WRONG["q_city"])), 3.0),
        "s04_partial_top_city": (lambda: one(sub(q_double=WRONG["q_double"], q_cost=WRONG["q_cost"])), 5.0),
        "s05_syntax_error": (lambda: one(sub(q_double="def double(x)\n    return 2 * x")), 6.0),
        "s06_infinite_loop": (lambda: one(sub(q_top="top = [9, 5]\nwhile True:\n    pass")), 2.0),
        "s07_huge_single_line": (lambda: one(sub(q_top="top = [9, 5]\nprint('x' * 20_000_000)")), FULL),
        "s08_many_lines": (lambda: one(sub(q_top="top = [9, 5]\nfor i in range(40_000):\n    print(i)")), FULL),
        "s09_memory_bomb": (lambda: one(sub(q_cost="cost = 60.0\nblob = bytearray(8 * 1024 ** 3)")), FULL),
        "s10_fork_bomb": (lambda: one(sub(q_cost=(
            "import os, time\ncost = 60.0\nkids = 0\nfor _ in range(5000):\n    try:\n        pid = os.fork()\n"
            "    except OSError:\n        break\n    if pid == 0:\n        time.sleep(3600)\n        os._exit(0)\n    kids += 1\n"
            "print('forked', kids)"))), FULL),
        "s11_sys_exit": (lambda: one(sub(q_top="top = [9, 5]\nimport sys\nsys.exit(3)")), FULL),
        "s12_os_exit": (lambda: one(sub(q_top="top = [9, 5]\nimport os\nos._exit(1)")), 2.0),
        "s13_deleted_cells": (with_cells(delete_cells), 7.0),
        "s14_duplicated_cells": (with_cells(duplicate), FULL),
        "s15_edited_test_cells": (with_cells(edit_test, q_top=WRONG["q_top"], q_city=WRONG["q_city"]), 3.0),
        "s16_edited_readonly": (with_cells(edit_readonly, q_cost=WRONG["q_cost"]), 7.0),
        "s17_changed_ids": (with_cells(change_ids), FULL),
        "s18_stripped_metadata": (with_cells(strip_meta), FULL),
        "s19_duplicate_cell_ids": (with_cells(dup_ids), FULL),
        "s20_missing_notebook": (lambda: {"notes.txt": "忘了交"}, 0.0),
        "s21_renamed_notebook": (lambda: {"my_demo.ipynb": sub()}, FULL),
        "s22_extra_notebook": (lambda: {nbname: sub(), "scratch.ipynb": sub()}, FULL),
        "s23_corrupt_json": (lambda: {nbname: json.dumps(sub())[:-200]}, 0.0),
        "s24_override_builtins": (lambda: one(sub(**{k: hostile_prefix["override_builtins"] + v for k, v in WRONG.items() if k == "q_double"},
                                                  q_top=WRONG["q_top"], q_cost=WRONG["q_cost"], q_city=WRONG["q_city"])), 0.0),
        "s25_override_showtraceback": (lambda: one(sub(q_double=hostile_prefix["override_showtraceback"] + WRONG["q_double"],
                                                       q_top=WRONG["q_top"], q_cost=WRONG["q_cost"], q_city=WRONG["q_city"])), 0.0),
        "s26_input_transformer": (lambda: one(sub(q_double=WRONG["q_double"] + "\n" + hostile_prefix["input_transformer"])), 0.0),
        "s27_eq_always_true": (lambda: one(sub(q_top=eq_always + "top = Yes()",
                                               q_cost="cost = YesF(1.0)",
                                               q_city='import pandas as pd\nframe = None\nbest = YesS("x")\nby_city = Anything()')), 2.0),
        "s28_read_source": (lambda: one(sub(q_top=read_source)), 5.0),
        "s29_write_gradebook_and_others": (lambda: one(sub(q_top=write_others)), FULL),
        "s30_network": (lambda: one(sub(q_top=network)), 5.0),
        "s31_script_injection": (with_cells(script_md, q_top=(
            "top = [9, 5]\nfrom IPython.display import HTML, Javascript, display\n"
            "display(HTML(\"<script>alert('xss')</script><b onmouseover=alert(1)>hi</b>\"))\n"
            "display(Javascript(\"alert('js')\"))\nprint('<script>alert(3)</script>')")), FULL),
    }
    return table
