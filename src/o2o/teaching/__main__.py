"""``python -m o2o.teaching``: render the teaching files into the instructor's guide and docs."""

from __future__ import annotations

import sys

from o2o.errors import O2OError
from o2o.teaching.render import write


def main() -> int:
    try:
        written = write()
    except O2OError as exc:
        print(exc, file=sys.stderr)
        return 1
    for path in written:
        print(f"已更新 / updated: {path.name}")
    if not written:
        print("教学文件都已是最新 / the rendered teaching files are up to date")
    return 0


if __name__ == "__main__":
    sys.exit(main())
