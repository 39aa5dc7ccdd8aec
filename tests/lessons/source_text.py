"""Fingerprints of the two source texts, so a test can tell when the kit copies a passage.

The kit paraphrases its sources (lecture 18 and the article on the struggle over rights) and
quotes them only briefly. The sources themselves are not shipped; ``data/source-fingerprints.txt``
holds a short hash of every run of WINDOW consecutive Chinese characters in them (punctuation,
spaces, Latin letters and digits removed). To rebuild it from the two texts:
``python tests/lessons/source_text.py LECTURE.txt ARTICLE.txt > tests/lessons/data/source-fingerprints.txt``.
"""

from __future__ import annotations

import hashlib
import re
import sys
from pathlib import Path

WINDOW = 24
FINGERPRINTS = Path(__file__).with_name("data") / "source-fingerprints.txt"
_NOT_CJK = re.compile(r"[^\u4e00-\u9fff]+")


def cjk(text: str) -> str:
    """Only the Chinese characters of a text, in order."""
    return _NOT_CJK.sub("", text)


def _digest(run: str) -> str:
    return hashlib.sha256(run.encode("utf-8")).hexdigest()[:12]


def windows(text: str) -> dict[str, str]:
    """{hash: run} for every WINDOW-character run of a text's Chinese characters."""
    t = cjk(text)
    return {_digest(t[i:i + WINDOW]): t[i:i + WINDOW] for i in range(len(t) - WINDOW + 1)}


def load_fingerprints() -> set[str]:
    return set(FINGERPRINTS.read_text(encoding="utf-8").split())


if __name__ == "__main__":  # rebuild the fingerprint file from the source texts given as arguments
    found: set[str] = set()
    for name in sys.argv[1:]:
        found |= set(windows(Path(name).read_text(encoding="utf-8")))
    print("\n".join(sorted(found)))
