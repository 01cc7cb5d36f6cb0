"""Child processes for the benchmarks: no network, and their wall time and peak memory.

Children run under ``unshare -n`` (no network interface) when the machine allows it,
and under GNU time (``/usr/bin/time -v``) when their peak resident memory is wanted.
"""
from __future__ import annotations

import re
import subprocess
from dataclasses import dataclass
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
TIME = "/usr/bin/time"
_MAX_RSS = re.compile(r"Maximum resident set size \(kbytes\): (\d+)")
_WALL = re.compile(r"Elapsed \(wall clock\) time \(h:mm:ss or m:ss\): (?:(\d+):)?(\d+):([\d.]+)")


def _no_network_prefix() -> list[str]:
    """``unshare -n`` (no network interface at all) when permitted here, else nothing."""
    try:
        ok = subprocess.run(["unshare", "-n", "true"], capture_output=True, timeout=10).returncode == 0
    except (OSError, subprocess.SubprocessError):
        ok = False
    return ["unshare", "-n"] if ok else []


NO_NET = _no_network_prefix()
ISOLATION = "unshare -n (no network interface)" if NO_NET else "none available (in-process guard only)"


def child(args: list[str], cwd: Path = REPO, **kwargs) -> subprocess.CompletedProcess:
    """Run ``args`` without network; it must succeed."""
    done = subprocess.run([*NO_NET, *args], cwd=cwd, capture_output=True, text=True, timeout=600, **kwargs)
    assert done.returncode == 0, done.stderr[-2000:]
    return done


@dataclass(frozen=True)
class Measured:
    """One child's run: its output, wall time and peak resident memory."""

    done: subprocess.CompletedProcess
    wall_s: float
    peak_rss_kib: int


def measured_child(args: list[str], report: Path, cwd: Path = REPO, **kwargs) -> Measured:
    """Run ``args`` under ``/usr/bin/time -v`` (report written to ``report``)."""
    done = child([TIME, "-v", "-o", str(report), *args], cwd=cwd, **kwargs)
    text = report.read_text()
    hours, minutes, seconds = _WALL.search(text).groups()
    wall = int(hours or 0) * 3600 + int(minutes) * 60 + float(seconds)
    return Measured(done, wall, int(_MAX_RSS.search(text).group(1)))
