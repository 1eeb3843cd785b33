"""Start-up of the commands a person types: `vahti --help`, `history`, `diff`, `show`, `runs` and `sql` on the demo
archive, each as the whole process a terminal waits for, against `python -c "import duckdb"` in the same venv
(issue 14, point 3: `--help` ≤ 1.5×, `history` / `diff` / `show` ≤ 2×).

    .venv/bin/python bench/bench_cli.py                  # 20 rounds, bytecode cached (an installed vahti)
    .venv/bin/python bench/bench_cli.py --cold           # every module compiled from source, every run

The archive is `vahti demo`'s (the replica crawled over simulated days), built once under bench/out/cli and reused.
Every round runs each command once, the baseline included, in a new random order, so that a busy neighbour slows
them all alike; the figure is the median of the rounds. By default the processes share a bytecode cache of their own
(PYTHONPYCACHEPREFIX under bench/out/cli, warmed by one untimed run), which is how an installed tool starts; `--cold`
gives them an empty cache they may not write, so every start compiles every module (what PYTHONDONTWRITEBYTECODE=1
without caches costs). The profile splits one `-X importtime` run per command (median of --profile-rounds) by the
package that caused each import; what the imports do not explain is the command's own work.
"""

from __future__ import annotations

import argparse
import os
import random
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from timing import table

ROOT = Path(__file__).resolve().parents[1]
OUT = ROOT / "bench" / "out" / "cli"
BASELINE = 'python -c "import duckdb"'
#: Issue 14's targets, vahti's process time ÷ the baseline's.
TARGETS = {"vahti --help": 1.5, "vahti history": 2.0, "vahti diff": 2.0, "vahti show": 2.0}
#: Import groups of the profile: a module's own time goes to the innermost module on its import chain (itself
#: first) that one of these prefixes names; typer's bridge to pydantic counts with pydantic.
GROUPS = (
    ("pydantic (typer's parameter coercion)", ("pydantic", "pydantic_core", "annotated_types", "typing_inspection",
                                               "typer._adapters")),
    ("typer", ("typer", "shellingham", "annotated_doc", "rich")),
    ("duckdb", ("duckdb", "_duckdb")),
    ("vahti", ("scraper", "schemas", "snapshots")),
)
OTHER = "stdlib and others"


def vahti_command() -> list[str]:
    """The console script next to this interpreter (what a person runs), else the same entry point by module."""
    script = Path(sys.executable).parent / "vahti"
    if script.exists():
        return [str(script)]
    return [sys.executable, "-c", "from scraper.cli import main; main()"]


def build_demo(db: Path, days: int) -> None:
    """The archive `vahti demo` leaves (its report and exports go beside it, under OUT)."""
    db.parent.mkdir(parents=True, exist_ok=True)
    for stale in db.parent.glob(db.name + "*"):
        stale.unlink()
    start = time.perf_counter()
    proc = subprocess.run([*vahti_command(), "demo", "--db", str(db), "--days", str(days),
                           "--out", str(db.parent / "demo-out")],
                          cwd=ROOT, capture_output=True, text=True, check=False)
    if proc.returncode != 0:
        raise SystemExit(f"vahti demo failed ({proc.returncode}): {proc.stderr.strip()[-800:]}")
    print(f"built the demo archive {db} ({days} days) in {time.perf_counter() - start:.1f} s")


def busiest_action(db: Path) -> str:
    """The action with the most versions: the history a person would look up."""
    import duckdb

    con = duckdb.connect(str(db), read_only=True)
    try:
        row = con.execute("SELECT identifier FROM action_versions GROUP BY identifier "
                          "ORDER BY count(*) DESC, identifier LIMIT 1").fetchone()
    finally:
        con.close()
    if row is None:
        raise SystemExit(f"{db} holds no action versions")
    return str(row[0])


def commands(db: Path, identifier: str) -> dict[str, list[str]]:
    vahti = vahti_command()
    where = ["--db", str(db)]
    return {
        BASELINE: [sys.executable, "-c", "import duckdb"],
        "vahti --help": [*vahti, "--help"],
        "vahti history": [*vahti, "history", identifier, *where],
        "vahti diff": [*vahti, "diff", *where],
        "vahti show": [*vahti, "show", identifier, *where],
        "vahti runs": [*vahti, "runs", *where],
        "vahti sql": [*vahti, "sql", *where, "SELECT count(*) FROM action_versions"],
    }


def environment(cold: bool, cache: Path) -> dict[str, str]:
    env = dict(os.environ, PYTHONPYCACHEPREFIX=str(cache), NO_COLOR="1")
    env.pop("PYTHONDONTWRITEBYTECODE", None)
    if cold:
        env["PYTHONDONTWRITEBYTECODE"] = "1"
    return env


def run_once(cmd: list[str], env: dict[str, str]) -> float:
    start = time.perf_counter()
    proc = subprocess.run(cmd, cwd=ROOT, env=env, capture_output=True, check=False)
    wall = time.perf_counter() - start
    if proc.returncode != 0:
        raise SystemExit(f"{' '.join(cmd)} failed ({proc.returncode}): {proc.stderr.decode()[-800:]}")
    return wall


def measure(cmds: dict[str, list[str]], env: dict[str, str], rounds: int, seed: int) -> dict[str, list[float]]:
    order = list(cmds)
    rng = random.Random(seed)
    walls: dict[str, list[float]] = {name: [] for name in cmds}
    for _ in range(rounds):
        rng.shuffle(order)
        for name in order:
            walls[name].append(run_once(cmds[name], env))
    return walls


def group_of(module: str) -> str | None:
    for group, prefixes in GROUPS:
        if any(module == p or module.startswith(p + ".") for p in prefixes):
            return group
    return None


def import_split(text: str) -> dict[str, float]:
    """Seconds of import time by group, from `-X importtime` output (children are printed before their parent)."""
    entries: list[tuple[int, str, int]] = []  # depth, module, self µs
    for line in text.splitlines():
        if not line.startswith("import time:") or "self [us]" in line:
            continue
        own_us, _, name = line[len("import time:"):].split("|", 2)
        entries.append(((len(name) - len(name.lstrip())) // 2, name.strip(), int(own_us)))
    split: dict[str, float] = {}
    parents: dict[int, str] = {}  # depth → the module whose children are being read (walking backwards)
    for depth, module, own in reversed(entries):  # own: µs
        parents[depth] = module
        chain = [module, *(parents[d] for d in range(depth - 1, -1, -1) if d in parents)]
        group = next((g for g in map(group_of, chain) if g is not None), OTHER)
        split[group] = split.get(group, 0.0) + own / 1e6
    return split


def profile(cmds: dict[str, list[str]], env: dict[str, str], rounds: int) -> dict[str, dict[str, float]]:
    """Median seconds per import group, and the whole process's wall time under -X importtime, per command."""
    out: dict[str, dict[str, float]] = {}
    for name, cmd in cmds.items():
        samples: list[dict[str, float]] = []
        for _ in range(max(1, rounds)):
            argv = [sys.executable, "-X", "importtime", *cmd[1:]] if cmd[0] == sys.executable else \
                [sys.executable, "-X", "importtime", *cmd]
            start = time.perf_counter()
            proc = subprocess.run(argv, cwd=ROOT, env=env, capture_output=True, text=True, check=False)
            wall = time.perf_counter() - start
            split = import_split(proc.stderr)
            split["wall"] = wall
            samples.append(split)
        keys = {k for s in samples for k in s}
        out[name] = {k: statistics.median(s.get(k, 0.0) for s in samples) for k in keys}
    return out


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description="process wall time of vahti's read commands vs python -c 'import duckdb'")
    ap.add_argument("--rounds", type=int, default=20, help="timed runs of every command, interleaved (default 20)")
    ap.add_argument("--profile-rounds", type=int, default=3, help="-X importtime runs per command (0 skips)")
    ap.add_argument("--db", type=Path, default=OUT / "demo.duckdb", help="the demo archive (built when missing)")
    ap.add_argument("--days", type=int, default=5, help="simulated days when the demo archive is built")
    ap.add_argument("--fresh", action="store_true", help="rebuild the demo archive")
    ap.add_argument("--cold", action="store_true", help="no bytecode cache: every run compiles every module")
    ap.add_argument("--seed", type=int, default=14, help="seed of the per-round order")
    args = ap.parse_args(argv)

    if args.fresh or not args.db.exists():
        build_demo(args.db, args.days)
    identifier = busiest_action(args.db)
    cmds = commands(args.db, identifier)
    cache_root = Path(tempfile.mkdtemp(prefix="pycache-", dir=args.db.parent))
    try:
        env = environment(args.cold, cache_root)
        for cmd in cmds.values():  # warm: the cache written (unless --cold), the archive in the page cache
            run_once(cmd, env)
        load = os.getloadavg()
        started = time.perf_counter()
        walls = measure(cmds, env, args.rounds, args.seed)
        elapsed = time.perf_counter() - started
        split = profile(cmds, env, args.profile_rounds) if args.profile_rounds > 0 else {}
    finally:
        shutil.rmtree(cache_root, ignore_errors=True)
    end_load = os.getloadavg()

    median = {name: statistics.median(ws) for name, ws in walls.items()}
    base = median[BASELINE]
    mode = "cold: no bytecode cache, every module compiled" if args.cold else "bytecode cached"
    print(f"\n## Start-up of the read commands ({args.rounds} interleaved rounds, {mode}; "
          f"{args.db.name}, action {identifier})\n")
    print(f"load average {load[0]:.2f} {load[1]:.2f} {load[2]:.2f} at the start, "
          f"{end_load[0]:.2f} {end_load[1]:.2f} {end_load[2]:.2f} at the end; {os.cpu_count()} cores; "
          f"timed runs took {elapsed:.0f} s\n")
    rows = [[name, median[name] * 1000, min(ws) * 1000, max(ws) * 1000, " ".join(cmds[name][1:] if name != BASELINE
             else ["-c", "'import duckdb'"])[:60]] for name, ws in walls.items()]
    print(table(["command", "median ms", "min ms", "max ms", "arguments"], rows))

    if split:
        groups = [g for g, _ in GROUPS] + [OTHER]
        print(f"\n## Where the time goes (-X importtime, median of {args.profile_rounds} runs per command, ms)\n")
        print("Import time by the package that caused it; 'rest' is the process's wall time under importtime less "
              "every import: the interpreter's start, connecting to DuckDB, the queries and the formatting.\n")
        prows = []
        for name, parts in split.items():
            imports = sum(parts.get(g, 0.0) for g in groups)
            prows.append([name, parts["wall"] * 1000, *(parts.get(g, 0.0) * 1000 for g in groups),
                          (parts["wall"] - imports) * 1000])
        print(table(["command", "wall", *groups, "rest"], prows))

    print(f"\n## Ratios (vahti ÷ {BASELINE}, median process wall time; lower is better)\n")
    ratio_rows = []
    for name in cmds:
        if name == BASELINE:
            continue
        value = median[name] / base
        target = TARGETS.get(name)
        verdict = "—" if target is None else ("met" if value <= target else "not met")
        ratio_rows.append([name, f"{value:.2f}×", f"≤ {target}×" if target else "—", verdict])
    print(table(["command", "ratio", "target", "verdict"], ratio_rows))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
