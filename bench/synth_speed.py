"""Speed of the synthetic fingerprint generator: templates, masters, images.

    PYTHONPATH=src python bench/synth_speed.py [--persons 2000]
"""

from __future__ import annotations

import argparse
import os
import time

from scomm.biometrics.template import FingerPosition, ImpressionType
from scomm.synth import (
    make_person,
    master_image,
    render_impression,
    tenprint_templates,
    tenprint_templates_batch,
)


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--persons", type=int, default=2000)
    args = ap.parse_args()
    with open("/proc/cpuinfo") as fh:
        cpu = next((ln.split(":", 1)[1].strip() for ln in fh if ln.startswith("model name")), "?")
    print(f"nproc {len(os.sched_getaffinity(0))}, {cpu}, load {os.getloadavg()[0]:.1f}")
    tenprint_templates_batch(0, range(20), 0)
    t, c = time.perf_counter(), time.process_time()
    batch = tenprint_templates_batch(0, range(args.persons), 0)
    dt, dc = time.perf_counter() - t, time.process_time() - c
    n = 10 * len(batch)
    rows = [("tenprint_templates_batch (new persons, rolled)", n, dt, dc)]
    persons = [make_person(0, i) for i in range(args.persons // 4)]
    t, c = time.perf_counter(), time.process_time()
    for p in persons:
        tenprint_templates(p, 1, ImpressionType.LIVESCAN_PLAIN)
    rows.append(("tenprint_templates (cached persons, plain)", 10 * len(persons), time.perf_counter() - t, time.process_time() - c))
    person = make_person(0, 1)
    t, c = time.perf_counter(), time.process_time()
    for f in (1, 2, 3):
        master_image(person, FingerPosition(f))
    rows.append(("master ridge growth (first call compiles)", 3, time.perf_counter() - t, time.process_time() - c))
    t, c = time.perf_counter(), time.process_time()
    for f in (4, 5, 6):
        master_image(person, FingerPosition(f))
    rows.append(("master ridge growth", 3, time.perf_counter() - t, time.process_time() - c))
    render_impression(person, FingerPosition(4), 0)
    t, c = time.perf_counter(), time.process_time()
    k = 0
    for f in (4, 5, 6):
        for s in range(20):
            render_impression(person, FingerPosition(f), s, ImpressionType.LIVESCAN_PLAIN)
            k += 1
    rows.append(("render_impression 400x400 (cached master)", k, time.perf_counter() - t, time.process_time() - c))
    print("| what | items | wall s | items/s (wall) | items per CPU-second |\n|---|---|---|---|---|")
    for name, items, sec, cpu_s in rows:
        print(f"| {name} | {items} | {sec:.2f} | {items / sec:,.1f} | {items / cpu_s:,.1f} |")


if __name__ == "__main__":
    main()
