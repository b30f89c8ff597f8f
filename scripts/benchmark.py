"""Time every chapter from a cold kernel (TensorFlow start-up included) and print a table.

    python3 tasks.py benchmark [chapter ...]

Nothing is written back to the notebooks and nothing is asserted: the budget is 60 s per chapter,
6 minutes for chapters 1-6 and 8 minutes for the whole book on 2 CPU cores; compare by eye.
"""

from __future__ import annotations

import os
import platform
import sys

from execute_chapters import ROOT, chapter_paths, execute

BUDGET_CHAPTER_S = 60
BUDGET_CORE_S = 360  # chapters 1-6 (with 4b)
BUDGET_BOOK_S = 480  # every chapter


def main() -> None:
    paths = chapter_paths(sys.argv[1:])
    print(f"{platform.processor() or platform.machine()}, {os.cpu_count()} CPU cores, Python {platform.python_version()}")
    rows = []
    for path in paths:
        seconds = execute(path, write=False)
        rows.append((path.relative_to(ROOT).as_posix(), seconds))
        print(f"  {rows[-1][0]}: {seconds:.1f} s", flush=True)
    width = max(len(name) for name, _ in rows)
    print()
    print(f"{'chapter'.ljust(width)}  seconds  budget")
    for name, seconds in rows:
        flag = "" if seconds <= BUDGET_CHAPTER_S else "  OVER"
        print(f"{name.ljust(width)}  {seconds:7.1f}  {BUDGET_CHAPTER_S:>6}{flag}")
    core = sum(s for name, s in rows if name.split("/")[-1][:2] in ("01", "02", "03", "04", "05", "06"))
    total = sum(s for _, s in rows)
    for label, seconds, budget in (("chapters 1-6", core, BUDGET_CORE_S), ("total", total, BUDGET_BOOK_S)):
        flag = "" if seconds <= budget else "  OVER"
        print(f"{label.ljust(width)}  {seconds:7.1f}  {budget:>6}{flag}")


if __name__ == "__main__":
    main()
