"""Deterministic synthetic incidents, for scale tests and benchmarks only (never shown as data)."""
from __future__ import annotations

import csv
import random
from datetime import date, timedelta
from pathlib import Path

from .incidents import CLAIM_STATUSES, COLUMNS


def write_synthetic_incidents(path: Path, count: int, seed: int = 7) -> Path:
    """Write ``count`` made-up incidents spread over Pakistan and its borders, 2010–2025.

    The same ``count`` and ``seed`` always give the same file.
    """
    rng = random.Random(seed)
    first = date(2010, 1, 1)
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("w", encoding="utf-8", newline="") as fh:
        writer = csv.writer(fh)
        writer.writerow(COLUMNS)
        for number in range(count):
            day = first + timedelta(days=rng.randrange(16 * 365))
            low = rng.choice((0, 0, 1, 2, 3, 5, 8, 13, 21, 40, 70))
            status = rng.choice(CLAIM_STATUSES)
            writer.writerow([
                f"synthetic-{number:06d}", day.isoformat(), day.isoformat(), f"Synthetic place {number % 997}",
                "Synthetic", f"{rng.uniform(24.0, 36.5):.4f}", f"{rng.uniform(61.0, 75.5):.4f}", "5",
                low, low + rng.choice((0, 0, 1, 4)), rng.randrange(0, 30), "",
                "Synthetic group" if status == "claimed" else "", status, "synthetic target",
                "Made-up incident for a scale test.", "", "synthetic:benchmark"])
    return path
