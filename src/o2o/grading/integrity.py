"""Evidence for the instructor after grading a class with variants: whose answers match whose data, and memos
that read alike. Nothing here changes a grade; every flag is something to look at and talk about.

* :func:`variant_answers` — every student's autograded answers next to the expected answers of their own
  variant (the debrief's results across variants);
* :func:`variant_matches` — answers that are wrong for the student's own variant but right for a
  classmate's: the classic sign of a copied number;
* :func:`memo_similarity` — pairs of written answers that are near-duplicates: character 3-gram
  shingles of the Chinese text (punctuation and spaces removed, the question's own prompt text
  discounted) compared by Jaccard similarity, the standard measure for near-duplicate detection.

Answers are read from the outputs the sandbox wrote into ``autograded/`` (an answer cell's last
expression) and memos from ``submitted/``: untrusted text, so every read is bounded, parsed only with
:func:`ast.literal_eval`, and never shown unescaped by these functions' callers' HTML.
"""

from __future__ import annotations

import ast
import itertools
import json
import re
import unicodedata
from pathlib import Path
from typing import Any, Callable

import pandas as pd

from ..assignments.answers import M4_TOLERANCE, TOLERANCE, answers as expected_answers, m4_answers, same_answer
from ..data import variants as V
from ..errors import GradingError

MAX_NOTEBOOK_BYTES = 20_000_000
MAX_ANSWER_CHARS = 2_000
MAX_MEMO_CHARS = 20_000
SHINGLE = 3
#: answer cells of each assignment with variant answers, and how to compute the expected ones
EXPECTED: dict[str, tuple[Callable[[Any], dict[str, Any]], dict[str, float | None]]] = {
    "m4-fivew": (m4_answers, M4_TOLERANCE),
    **{a: ((lambda ds, a=a: expected_answers(a, ds)), tol) for a, tol in TOLERANCE.items() if a != "m4-fivew"},
}


def _notebook(path: Path) -> dict | None:
    try:
        if path.is_symlink() or not path.is_file() or path.stat().st_size > MAX_NOTEBOOK_BYTES:
            return None
        nb = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, json.JSONDecodeError):
        return None
    return nb if isinstance(nb, dict) and isinstance(nb.get("cells"), list) else None


def _cells(nb: dict | None) -> dict[str, dict]:
    out = {}
    for c in (nb or {}).get("cells", []):
        md = c.get("metadata") if isinstance(c, dict) else None
        gid = md.get("nbgrader", {}).get("grade_id") if isinstance(md, dict) and isinstance(md.get("nbgrader"), dict) else None
        if isinstance(gid, str):
            out[gid] = c
    return out


def _value(cell: dict | None) -> Any:
    """The answer cell's last expression as plain data (``None`` when absent or not a literal)."""
    for out in reversed((cell or {}).get("outputs", []) or []):
        if isinstance(out, dict) and out.get("output_type") == "execute_result":
            text = out.get("data", {}).get("text/plain") if isinstance(out.get("data"), dict) else None
            text = "".join(text) if isinstance(text, list) else text
            if not isinstance(text, str) or len(text) > MAX_ANSWER_CHARS:
                return None
            try:
                return ast.literal_eval(text.strip())
            except (ValueError, SyntaxError, MemoryError, RecursionError):
                return None
    return None


def _as_answer(grade_id: str, value: Any) -> Any:
    """A scene dict stands for its store (the variant decides the store); other answers as they are."""
    if isinstance(value, dict) and "store_ids" in value:
        ids = value.get("store_ids")
        return int(ids[0]) if isinstance(ids, (list, tuple)) and len(ids) == 1 and isinstance(ids[0], int) else None
    return value


def _students(root: Path, assignment: str) -> list[str]:
    base = root / "autograded"
    return sorted(d.name for d in base.iterdir() if (d / assignment).is_dir()) if base.is_dir() else []


def variant_answers(root: str | Path, assignment: str, secret_file: str | Path, notebook: str | None = None,
                    data: str | Path | None = None) -> pd.DataFrame:
    """One row per student and variant question: the student's answer, their variant's, and every student's
    expected answers (column ``expected_by``: student -> expected) for :func:`variant_matches`."""
    if assignment not in EXPECTED:
        raise GradingError(f"作业 {assignment} 没有按数据版本出的题。可选:{'、'.join(EXPECTED)}",
                           f"Assignment {assignment} has no variant questions. Choose one of: {', '.join(EXPECTED)}")
    compute, tolerance = EXPECTED[assignment]
    root, notebook = Path(root), notebook or assignment
    secret = V.read_secret(secret_file)
    students = _students(root, assignment)
    expected = {}
    base = V.VariantDataset(data, validate=False)   # read once; each variant shares it and copies daily_sales
    for s in students:
        ds = V.VariantDataset(validate=False, variant=V.from_key(V.variant_key(secret, s)), base=base)
        expected[s] = compute(ds)
    rows = []
    for s in students:
        cells = _cells(_notebook(root / "autograded" / s / assignment / f"{notebook}.ipynb"))
        label = V.from_key(V.variant_key(secret, s)).label
        for gid in tolerance:
            given = _as_answer(gid, _value(cells.get(gid)))
            rows.append({"student": s, "variant": label, "question": gid, "answer": given,
                         "own_expected": expected[s][gid], "correct_for_own": same_answer(gid, given, expected[s][gid], tolerance),
                         "expected_by": {t: expected[t][gid] for t in students}})
    table = pd.DataFrame(rows, columns=["student", "variant", "question", "answer", "own_expected", "correct_for_own",
                                        "expected_by"])
    table.attrs["tolerance"] = dict(tolerance)
    return table


def variant_matches(answers: pd.DataFrame, tolerance: dict[str, float | None] | None = None) -> pd.DataFrame:
    """Answers wrong for the student's own variant but right for another student's: ``student``, ``question``,
    ``matches`` (whose variant), ``answer``. Evidence for a conversation, never an automatic penalty.
    ``tolerance``: by default the one :func:`variant_answers` used for ``answers``."""
    tolerance = tolerance if tolerance is not None else answers.attrs.get("tolerance", M4_TOLERANCE)
    rows = []
    for r in answers.itertuples(index=False):
        if r.correct_for_own or r.answer is None:
            continue
        for other, exp in r.expected_by.items():
            if other != r.student and same_answer(r.question, r.answer, exp, tolerance):
                rows.append({"student": r.student, "question": r.question, "matches": other, "answer": r.answer})
    return pd.DataFrame(rows, columns=["student", "question", "matches", "answer"])


# ------------------------------------------------------------------------------ memos

def _normalise(text: str) -> str:
    """Letters and digits only (NFKC, lower case): punctuation, spaces and markup do not make two memos differ."""
    text = unicodedata.normalize("NFKC", text[:MAX_MEMO_CHARS]).lower()
    return "".join(ch for ch in text if unicodedata.category(ch)[0] in "LN")


def shingles(text: str, n: int = SHINGLE) -> set[str]:
    """The set of character n-grams of the normalised text (Chinese has no spaces between words)."""
    t = _normalise(text)
    return {t[i:i + n] for i in range(max(0, len(t) - n + 1))}


def jaccard(a: set[str], b: set[str]) -> float:
    return len(a & b) / len(a | b) if a or b else 0.0


def _text(cell: dict | None) -> str:
    src = (cell or {}).get("source", "")
    src = "".join(map(str, src)) if isinstance(src, list) else str(src)
    return re.sub(r"### (BEGIN|END) SOLUTION", "", src)


def memo_similarity(root: str | Path, assignment: str, memo_cells: list[str], notebook: str | None = None,
                    threshold: float = 0.5, prompt: dict[str, str] | None = None) -> pd.DataFrame:
    """Pairs of students whose written answer to the same question is a near-duplicate (Jaccard of character
    3-gram shingles ≥ ``threshold``), most similar first. ``prompt``: text handed out in the cell (its
    shingles are discounted, so two students who both kept the prompt are not flagged for it)."""
    root, notebook = Path(root), notebook or assignment
    base = root / "submitted"
    students = sorted(d.name for d in base.iterdir() if (d / assignment).is_dir()) if base.is_dir() else []
    memos = {s: _cells(_notebook(base / s / assignment / f"{notebook}.ipynb")) for s in students}
    rows = []
    for gid in memo_cells:
        given = shingles((prompt or {}).get(gid, ""))
        sets = {s: shingles(_text(memos[s].get(gid))) - given for s in students}
        for a, b in itertools.combinations(students, 2):
            if len(sets[a]) < 20 or len(sets[b]) < 20:   # a blank or a few words: nothing to compare
                continue
            sim = jaccard(sets[a], sets[b])
            if sim >= threshold:
                rows.append({"question": gid, "student_a": a, "student_b": b, "similarity": round(sim, 3)})
    out = pd.DataFrame(rows, columns=["question", "student_a", "student_b", "similarity"])
    return out.sort_values("similarity", ascending=False, ignore_index=True)
