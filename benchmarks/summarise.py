"""Turn a pytest-benchmark JSON file from this folder into the Markdown tables of BENCHMARKS.md.

usage: python benchmarks/summarise.py RESULTS.json

Only reads the file; prints Markdown on stdout.
"""
from __future__ import annotations

import json
import sys


def _by_name(data: dict) -> dict[str, dict]:
    return {b["name"]: b for b in data["benchmarks"]}


def main(path: str) -> None:
    data = json.load(open(path, encoding="utf-8"))
    runs = _by_name(data)
    machine = data["machine_info"]
    packages = machine.get("packages", {})
    print(f"- run: {data['datetime']} (UTC), commit {data['commit_info'].get('id', '?')[:7]}"
          f"{' + uncommitted changes' if data['commit_info'].get('dirty') else ''}")
    print(f"- machine: {machine.get('cpu_count')} CPUs ({machine['cpu'].get('brand_raw', '?')}), "
          f"{machine['system']} {machine['release']}")
    print(f"- Python {machine['python_version']} ({machine['python_implementation']}); "
          + ", ".join(f"{k} {v}" for k, v in packages.items()))
    print()

    print("| measurement | places (Incident Atlas) | geotext | places / geotext |")
    print("|---|---|---|---|")
    for group, label in (("seeds", "seeds, 5 articles per round"),
                         ("corpus", "10,000-article corpus, one pass per round")):
        a = runs[f"test_{group}_throughput[places]"]
        g = runs[f"test_{group}_throughput[geotext]"]
        ai, gi = a["extra_info"], g["extra_info"]
        print(f"| {label}: articles/s, median (mean) [rounds] | "
              f"{ai['articles_per_s_median']:,.0f} ({ai['articles_per_s_mean']:,.0f}) [{ai['rounds']}] | "
              f"{gi['articles_per_s_median']:,.0f} ({gi['articles_per_s_mean']:,.0f}) [{gi['rounds']}] | "
              f"{ai['articles_per_s_median'] / gi['articles_per_s_median']:.3f} |")
    a = runs["test_seeds_throughput[places]"]["extra_info"]
    g = runs["test_seeds_throughput[geotext]"]["extra_info"]
    print(f"| seed gold: recall (found/required) | {a['recall']:.3f} ({a['gold_found']}) | "
          f"{g['recall']:.3f} ({g['gold_found']}) | |")
    print(f"| seed gold: precision (false places) | {a['precision']:.3f} ({a['false_places']}) | "
          f"{g['precision']:.3f} ({g['false_places']}) | |")
    cold_a = runs["test_cold_start[gazetteer]"]["extra_info"]
    cold_g = runs["test_cold_start[geotext]"]["extra_info"]
    print(f"| cold start in a fresh process: load only, median [min–max] (s) | "
          f"`load_gazetteer()` {cold_a['load_gazetteer_s_median']:.3f} "
          f"[{cold_a['load_gazetteer_s_min']:.3f}–{cold_a['load_gazetteer_s_max']:.3f}] | "
          f"first `GeoText()` {cold_g['first_GeoText_s_median']:.4f} | |")
    print(f"| cold start: import + load, median [min–max] (s) | "
          f"{cold_a['import_plus_load_s_median']:.3f} "
          f"[{cold_a['import_plus_load_s_min']:.3f}–{cold_a['import_plus_load_s_max']:.3f}] | "
          f"{cold_g['import_plus_load_s_median']:.3f} "
          f"[{cold_g['import_plus_load_s_min']:.3f}–{cold_g['import_plus_load_s_max']:.3f}] | |")
    print(f"| cold start: whole `python -c` process wall, median (s) | "
          f"{cold_a['process_wall_s_median']:.3f} | {cold_g['process_wall_s_median']:.3f} | |")
    print()

    print("| process (`/usr/bin/time -v`, 3 runs) | peak RSS, median (MiB) | all runs (MiB) | wall, median (s) |")
    print("|---|---|---|---|")
    for name, bench in runs.items():
        if name.startswith("test_peak_rss["):
            info = bench["extra_info"]
            print(f"| `{info['command']}` | {info['peak_rss_mib_median']:.1f} | {info['peak_rss_mib_all']} | "
                  f"{info['wall_s_median']:.2f} |")
    print()
    print(f"seed misses — places: {a['missed']}; geotext: {g['missed']}")
    print(f"false places — places: {a['false']}; geotext: {g['false']}")
    print(f"geotext names our gazetteer could not place: {g['unplaced_names']}")


if __name__ == "__main__":
    main(sys.argv[1])
