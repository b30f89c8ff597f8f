"""Execute chapters with many seeds and tabulate, claim by claim, where each held and where it failed.

    python3 tasks.py seeds 20                     # every chapter, seeds 0 … 19
    python3 tasks.py seeds 20 01_symmetry 04_he   # only these chapters
    python3 tasks.py seeds 5 --first 100          # seeds 100 … 104
    python3 tasks.py seeds 20 --jobs 2            # how many chapters run at once (default: CPU cores)

Each (chapter, seed) runs in a fresh kernel with ``BOOK_SEED`` set, nothing is written back to the
notebooks, and every ``claims.check`` is logged (``utils.claims.LOG_VARIABLE``) and does not stop the
chapter when it fails (``KEEP_GOING_VARIABLE``), so one run shows the verdict of every claim. The
table lists each claim's held/failed count and, for a failure, the seed and the measured values;
errors that are not claims (a cell that raised) are listed too. The results are also written to
``_build/seeds/sweep.json`` and ``_build/seeds/sweep.md``. Exit status 1 if anything failed.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import time
from concurrent.futures import ThreadPoolExecutor, as_completed
from dataclasses import asdict, dataclass, field
from pathlib import Path

from execute_chapters import ROOT, chapter_paths

OUT = ROOT / "_build" / "seeds"


@dataclass
class Run:
    """One chapter executed with one seed."""

    chapter: str
    seed: int
    seconds: float = 0.0
    checks: list[dict] = field(default_factory=list)
    error: str | None = None


def worker(path: str) -> None:
    """Execute one notebook (in this process's environment) without writing it back."""
    import nbformat
    from nbclient import NotebookClient
    from nbclient.exceptions import CellExecutionError

    notebook = nbformat.read(path, as_version=4)
    client = NotebookClient(notebook, timeout=600, kernel_name="python3",
                            resources={"metadata": {"path": str(Path(path).parent)}}, shutdown_kernel="immediate")
    try:
        client.execute()
    except CellExecutionError as error:
        # The first line that names the exception is enough for the table.
        lines = [line for line in str(error).splitlines() if "Error" in line or "Exception" in line]
        sys.exit(f"cell failed: {(lines[-1] if lines else str(error))[:300]}")


def run_one(path: Path, seed: int, threads: int, logs: Path) -> Run:
    """Run ``worker`` in a subprocess with the seed and the claims log set."""
    log = logs / f"{path.stem}-{seed}.jsonl"
    env = dict(
        os.environ,
        BOOK_SEED=str(seed),
        BOOK_CLAIMS_LOG=str(log),
        BOOK_CLAIMS_KEEP_GOING="1",
        TF_NUM_INTRAOP_THREADS=str(threads),
        TF_NUM_INTEROP_THREADS="1",
        OMP_NUM_THREADS=str(threads),
        PYTHONHASHSEED="0",
    )
    start = time.perf_counter()
    done = subprocess.run([sys.executable, __file__, "--worker", str(path)], env=env, cwd=ROOT,
                          capture_output=True, text=True)
    run = Run(path.stem, seed, time.perf_counter() - start)
    if log.exists():
        run.checks = [json.loads(line) for line in log.read_text(encoding="utf-8").splitlines() if line]
    if done.returncode != 0:
        run.error = (done.stderr.strip().splitlines() or ["exit status %d" % done.returncode])[-1]
    return run


def registered(chapter: str) -> list[str]:
    from utils import claims

    return [c.id for c in claims.registry().values() if c.chapter == chapter]


def summarise(runs: list[Run], seeds: list[int]) -> tuple[list[str], bool]:
    """The table's lines, and whether every claim held for every seed with no error."""
    lines, ok = [], True
    chapters = sorted({r.chapter for r in runs})
    width = max([len(c) for ch in chapters for c in registered(ch)] + [20])
    lines.append(f"{'claim'.ljust(width)}  held  failed  missing  failures (seed: measured values)")
    for chapter in chapters:
        chapter_runs = [r for r in runs if r.chapter == chapter]
        for claim_id in registered(chapter):
            held, failed, missing, details = 0, 0, 0, []
            for r in sorted(chapter_runs, key=lambda r: r.seed):
                verdicts = [c for c in r.checks if c["id"] == claim_id]
                if not verdicts:
                    missing += 1
                elif all(c["held"] for c in verdicts):
                    held += 1
                else:
                    failed += 1
                    bad = next(c for c in verdicts if not c["held"])
                    details.append(f"seed {r.seed}: " + ", ".join(f"{k} = {v}" for k, v in bad["measured"].items()))
            ok &= failed == 0 and missing == 0
            lines.append(f"{claim_id.ljust(width)}  {held:>4}  {failed:>6}  {missing:>7}  {' | '.join(details)}")
        for r in sorted(chapter_runs, key=lambda r: r.seed):
            if r.error:
                ok = False
                lines.append(f"  {chapter} seed {r.seed}: {r.error}")
    n_claims = sum(len(registered(c)) for c in chapters)
    seconds = [r.seconds for r in runs]
    lines.append("")
    lines.append(f"{n_claims} claims in {len(chapters)} chapters × {len(seeds)} seeds "
                 f"({seeds[0]}…{seeds[-1]}): " + ("every claim held for every seed." if ok else "FAILURES above."))
    lines.append(f"seconds per run: median {sorted(seconds)[len(seconds) // 2]:.1f}, max {max(seconds):.1f}")
    return lines, ok


def main() -> None:
    if len(sys.argv) == 3 and sys.argv[1] == "--worker":
        worker(sys.argv[2])
        return
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("count", type=int, help="how many seeds")
    parser.add_argument("chapters", nargs="*", help="chapter stems (default: every chapter)")
    parser.add_argument("--first", type=int, default=0, help="first seed (default 0)")
    parser.add_argument("--jobs", type=int, default=os.cpu_count() or 1, help="chapters run at once")
    parser.add_argument("--threads", type=int, default=1, help="TensorFlow threads per run")
    args = parser.parse_args()
    if args.count <= 0 or args.jobs <= 0 or args.threads <= 0 or args.first < 0:
        parser.error("count, jobs and threads must be positive, first non-negative")
    paths = [p for p in chapter_paths(args.chapters) if registered_or_empty(p.stem)]
    seeds = list(range(args.first, args.first + args.count))
    tasks = [(p, s) for s in seeds for p in paths]
    print(f"{len(paths)} chapters × {len(seeds)} seeds = {len(tasks)} runs, {args.jobs} at a time", flush=True)
    runs: list[Run] = []
    with tempfile.TemporaryDirectory() as tmp, ThreadPoolExecutor(args.jobs) as pool:
        futures = [pool.submit(run_one, p, s, args.threads, Path(tmp)) for p, s in tasks]
        for i, future in enumerate(as_completed(futures), 1):
            r = future.result()
            runs.append(r)
            held = sum(c["held"] for c in r.checks)
            status = f"{held}/{len(registered(r.chapter))} held" + (f", ERROR {r.error}" if r.error else "")
            print(f"[{i}/{len(tasks)}] {r.chapter} seed {r.seed}: {status} ({r.seconds:.0f} s)", flush=True)
    lines, ok = summarise(runs, seeds)
    print("\n" + "\n".join(lines))
    OUT.mkdir(parents=True, exist_ok=True)
    (OUT / "sweep.json").write_text(json.dumps([asdict(r) for r in runs], indent=1, ensure_ascii=False))
    (OUT / "sweep.md").write_text("\n".join(lines) + "\n")
    print(f"\nwritten to {OUT.relative_to(ROOT)}/sweep.json and sweep.md")
    sys.exit(0 if ok else 1)


def registered_or_empty(chapter: str) -> bool:
    """Whether a notebook checks any claim (the generated ledger page checks none)."""
    return bool(registered(chapter))


if __name__ == "__main__":
    main()
