"""``incident-atlas places`` on a whole archive: worker processes, and memory as files add up.

    python benchmarks/cli_scale.py jobs [--files 2000] [--rounds 3]
    python benchmarks/cli_scale.py rss [--counts 10000 100000] [--jobs 1 2] [--formats geojsonseq geojson]
    python benchmarks/cli_scale.py rss --before /tmp/before   # also the CLI of an older tree

``jobs``: wall time of ``places --jobs 1`` and ``--jobs 2`` (and ``--jobs`` = every CPU, if
more; the settings take turns, round after round) over ``--files`` reports made from the built-in case's and the development set's
reports (``../shared/devset/*.txt`` or ``$BENCH_DEVSET``, when present; read where they
lie): report *i* is source *i* mod n with its sentences shuffled by ``Random(20250311 + i)``,
and every fifth one cut to its first half, so the files differ and vary in size. Checks
that every run's output is byte-identical to the ``--jobs 1`` run's. On a machine shared
with other work the workers compete with it: ``other_cpu_s`` (from ``/proc/stat``) is the CPU
time everything else used during a run, so runs on an idle machine can be told apart.

``rss``: peak resident memory (``/usr/bin/time -v``, "Maximum resident set size") and wall
time of ``places --format F`` over ``--counts`` small invented reports (one or two sentences
naming a couple of places each, written by ``small_report`` below, 100 to a folder). With
``--jobs`` above 1 GNU time reports the largest single process (the parent or one
worker), not their sum. ``--before TREE`` also runs the CLI of that tree (an older checkout,
e.g. ``git archive HEAD | tar -x -C /tmp/before``: one FeatureCollection built in memory,
files only, so the list is handed over in a file), for the memory before streaming.

The reports are written into a temporary folder and removed afterwards; nothing is kept
in the repository. Runs without network (``unshare -n``) where the machine allows it.
Prints a Markdown table and, with ``--json FILE``, writes the figures there.
"""
from __future__ import annotations

import argparse
import json
import os
import random
import re
import statistics
import subprocess
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from _children import NO_NET, TIME, _MAX_RSS, _WALL  # noqa: E402

REPO = Path(__file__).resolve().parent.parent
DEVSET = Path(os.environ.get("BENCH_DEVSET", REPO.parent / "shared" / "devset"))
RNG_SEED = 20250311
_SENTENCE_END = re.compile(r"(?:(?<=[.!?])|(?<=[.!?][\"”’)]))\s+(?=[\"“‘(]?[A-Z0-9])")


def _sentences(text: str) -> list[str]:
    return [s.strip() for line in text.splitlines() if line.strip()
            for s in _SENTENCE_END.split(line) if s.strip()]


def source_reports() -> list[str]:
    """The built-in case's reports and, when present, the development set's."""
    paths = sorted((REPO / "data" / "cases").glob("*/articles/*.txt"))
    paths += sorted(DEVSET.glob("*.txt")) if DEVSET.is_dir() else []
    return [path.read_text(encoding="utf-8") for path in paths]


def write_reports(folder: Path, count: int) -> int:
    """``count`` reports made from :func:`source_reports`, 100 to a subfolder; their bytes."""
    split = [_sentences(text) for text in source_reports()]
    total = 0
    for i in range(count):
        sentences = list(split[i % len(split)])
        random.Random(RNG_SEED + i).shuffle(sentences)
        if i % 5 == 4:
            sentences = sentences[:max(1, len(sentences) // 2)]
        path = folder / f"{i // 100:04d}" / f"r{i:07d}.txt"
        path.parent.mkdir(exist_ok=True)
        total += path.write_text("\n".join(sentences) + "\n", encoding="utf-8")
    return total


# Invented reports: a couple of places each, in a sentence or two.
_PLACES = ["Quetta", "Turbat", "Sibi", "Mach", "Kalat", "Gwadar", "Panjgur", "Khuzdar", "Mastung",
           "Dera Bugti", "Kohlu", "Zhob", "Loralai", "Nushki", "Chaman", "Peshawar", "Bannu",
           "Lakki Marwat", "Dera Ismail Khan", "Tank", "Karachi", "Hyderabad", "Larkana", "Sukkur",
           "Lahore", "Multan", "Islamabad", "Rawalpindi", "Kabul", "Kandahar", "Herat", "Jalalabad",
           "Balochistan", "Khyber Pakhtunkhwa", "Sindh", "Punjab"]
_FIRST = ["Gunmen opened fire on a police van near {a} on {day}, officials in {b} said.",
          "A roadside bomb hit a security convoy between {a} and {b} on {day}.",
          "Two soldiers were wounded when militants attacked a checkpost in {a}, {b}.",
          "Traders in {a} shut their shops on {day} after a grenade attack in {b}.",
          "A passenger bus travelling from {a} to {b} was stopped by armed men on {day}."]
_SECOND = ["The injured were taken to a hospital in {c}.",
           "No group has claimed responsibility, police in {c} said.",
           "Rescue teams from {c} reached the site within an hour.",
           ""]
_DAYS = ["Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday"]


def small_report(i: int) -> str:
    """Invented report ``i``: one or two sentences naming two or three places."""
    rng = random.Random(RNG_SEED + i)
    a, b, c = rng.sample(_PLACES, 3)
    text = rng.choice(_FIRST).format(a=a, b=b, day=rng.choice(_DAYS))
    second = rng.choice(_SECOND).format(c=c)
    return f"{text} {second}".strip() + "\n"


def write_small_reports(folder: Path, count: int) -> int:
    total = 0
    for i in range(count):
        path = folder / f"{i // 100:05d}" / f"s{i:07d}.txt"
        if i % 100 == 0:
            path.parent.mkdir(parents=True, exist_ok=True)
        total += path.write_text(small_report(i), encoding="utf-8")
    return total


# --------------------------------------------------------------------------- running the CLI

_CPU = re.compile(r"(User|System) time \(seconds\): ([\d.]+)")


def _busy_cpu_s() -> float:
    """CPU seconds every process of the machine has used (``/proc/stat``), 0 where unknown."""
    try:
        fields = Path("/proc/stat").read_text().split("\n", 1)[0].split()[1:]
    except OSError:
        return 0.0
    user, nice, system, _idle, _iowait, irq, softirq = (int(x) for x in fields[:7])
    return (user + nice + system + irq + softirq) / os.sysconf("SC_CLK_TCK")


def run_cli(args: list[str], out: Path, tree: Path = REPO) -> dict:
    """``incident-atlas ARGS`` of ``tree``, stdout to ``out``, under GNU time: wall s, peak RSS
    MiB, CPU s of the command (its workers included) and of everything else on the machine
    meanwhile (``other_cpu_s``: on a shared machine, what the workers competed with)."""
    report = out.with_suffix(".time")
    env = {**os.environ, "PYTHONPATH": str(tree)}
    command = [*NO_NET, TIME, "-v", "-o", str(report), sys.executable, "-c",
               "import sys; from atlas_cli.main import main; sys.exit(main())", *args]
    busy = _busy_cpu_s()
    with out.open("wb") as stdout:
        done = subprocess.run(command, cwd=tree, env=env, stdout=stdout, stderr=subprocess.PIPE, timeout=7200)
    busy = _busy_cpu_s() - busy
    if done.returncode != 0:
        raise SystemExit(f"failed ({done.returncode}): {' '.join(args[:4])} …\n{done.stderr.decode()[-2000:]}")
    text = report.read_text()
    hours, minutes, seconds = _WALL.search(text).groups()
    cpu = sum(float(value) for _, value in _CPU.findall(text))
    return {"wall_s": int(hours or 0) * 3600 + int(minutes) * 60 + float(seconds),
            "peak_rss_mib": int(_MAX_RSS.search(text).group(1)) / 1024, "output_bytes": out.stat().st_size,
            "cpu_s": cpu, "other_cpu_s": max(0.0, busy - cpu)}


def bench_jobs(files: int, rounds: int, work: Path) -> list[dict]:
    folder = work / "reports"
    folder.mkdir()
    size = write_reports(folder, files)
    cpus = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count() or 1
    runs: dict[int, list[dict]] = {jobs: [] for jobs in sorted({1, 2, cpus})}
    reference = None
    for round_ in range(rounds):  # interleaved, so a burst of other load hits every setting alike
        for jobs, done in runs.items():
            out = work / f"jobs{jobs}-{round_}.geojson"
            done.append(run_cli(["places", "--jobs", str(jobs), str(folder)], out))
            if reference is None:
                reference = out.read_bytes()
            elif out.read_bytes() != reference:
                raise SystemExit(f"--jobs {jobs} output differs from --jobs 1")
            out.unlink()
    rows = []
    for jobs, done in runs.items():
        walls = [run["wall_s"] for run in done]
        rows.append({"files": files, "input_mib": size / 2**20, "jobs": jobs,
                     "wall_s_median": statistics.median(walls), "wall_s_min": min(walls),
                     "cpu_s_median": statistics.median(run["cpu_s"] for run in done),
                     "other_cpu_s_median": statistics.median(run["other_cpu_s"] for run in done),
                     "wall_s_all": walls, "other_cpu_s_all": [run["other_cpu_s"] for run in done]})
    for row in rows:
        row["speedup_median"] = rows[0]["wall_s_median"] / row["wall_s_median"]
        row["speedup_min"] = rows[0]["wall_s_min"] / row["wall_s_min"]
    return rows


def bench_rss(counts: list[int], formats: list[str], jobs_list: list[int], before: Path | None,
              work: Path) -> list[dict]:
    rows = []
    for count in counts:
        folder = work / f"small{count}"
        size = write_small_reports(folder, count)
        for fmt in formats:
            for jobs in jobs_list:
                out = work / "out.txt"
                run = run_cli(["places", "--format", fmt, "--jobs", str(jobs), str(folder)], out)
                rows.append({"tree": "this", "files": count, "input_mib": size / 2**20, "format": fmt,
                             "jobs": jobs, **run})
                out.unlink()
        if before is not None:
            out = work / "out.txt"
            listing = work / "files.txt"
            listing.write_text("\n".join(str(p) for p in sorted(folder.rglob("*.txt"))) + "\n")
            # The older CLI takes files only: read their names from a file, not the command line.
            code = ("import sys; from atlas_cli.main import main; "
                    "sys.exit(main(['places', *open(sys.argv[1]).read().split()]))")
            report = out.with_suffix(".time")
            env = {**os.environ, "PYTHONPATH": str(before)}
            with out.open("wb") as stdout:
                done = subprocess.run([*NO_NET, TIME, "-v", "-o", str(report), sys.executable, "-c", code,
                                       str(listing)], cwd=before, env=env, stdout=stdout,
                                      stderr=subprocess.PIPE, timeout=7200)
            if done.returncode != 0:
                raise SystemExit(done.stderr.decode()[-2000:])
            text = report.read_text()
            hours, minutes, seconds = _WALL.search(text).groups()
            rows.append({"tree": f"before ({before})", "files": count, "input_mib": size / 2**20,
                         "format": "geojson", "jobs": 1,
                         "wall_s": int(hours or 0) * 3600 + int(minutes) * 60 + float(seconds),
                         "peak_rss_mib": int(_MAX_RSS.search(text).group(1)) / 1024,
                         "output_bytes": out.stat().st_size})
            out.unlink()
    return rows


def _table(rows: list[dict]) -> str:
    keys = [k for k in rows[0] if not k.endswith("_all")]
    lines = ["| " + " | ".join(keys) + " |", "|" + "---|" * len(keys)]
    for row in rows:
        lines.append("| " + " | ".join(f"{row[k]:.3g}" if isinstance(row[k], float) else str(row[k])
                                       for k in keys) + " |")
    return "\n".join(lines)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    sub = parser.add_subparsers(dest="what", required=True)
    jobs = sub.add_parser("jobs")
    jobs.add_argument("--files", type=int, default=2000)
    jobs.add_argument("--rounds", type=int, default=3)
    rss = sub.add_parser("rss")
    rss.add_argument("--counts", type=int, nargs="+", default=[10_000, 100_000])
    rss.add_argument("--formats", nargs="+", default=["geojsonseq", "geojson"])
    rss.add_argument("--jobs", type=int, nargs="+", default=[1, 2])
    rss.add_argument("--before", type=Path, help="an older tree whose CLI is measured too")
    for command in (jobs, rss):
        command.add_argument("--json", type=Path, help="also write the figures here")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="atlas-cli-scale-") as tmp:
        if args.what == "jobs":
            rows = bench_jobs(args.files, args.rounds, Path(tmp))
        else:
            rows = bench_rss(args.counts, args.formats, args.jobs, args.before, Path(tmp))
    print(f"Python {sys.version.split()[0]}, {os.cpu_count()} CPUs, network: {'unshare -n' if NO_NET else 'on'}")
    print(_table(rows))
    if args.json:
        args.json.write_text(json.dumps(rows, indent=1) + "\n")


if __name__ == "__main__":
    main()
