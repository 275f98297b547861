"""Draw docs/img/synth-contact-sheet.png: one master of each pattern class and
impressions of them (rolled and plain, different skin and pressure).

    PYTHONPATH=src python bench/synth_contact_sheet.py [--seed 0] [--out docs/img/synth-contact-sheet.png]
"""

from __future__ import annotations

import argparse
from pathlib import Path

import numpy as np
from PIL import Image, ImageDraw

from scomm.biometrics.template import ImpressionType
from scomm.synth import PatternClass, impression_of, make_person, master_image, render_impression

TILE = 240


def _tile(img: np.ndarray, label: str) -> Image.Image:
    im = Image.fromarray(img)
    im.thumbnail((TILE, TILE))
    tile = Image.new("L", (TILE, TILE + 18), 255)
    tile.paste(im, ((TILE - im.width) // 2, 18 + (TILE - im.height) // 2))
    ImageDraw.Draw(tile).text((4, 3), label, fill=0)
    return tile


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument("--out", type=Path, default=Path("docs/img/synth-contact-sheet.png"))
    args = ap.parse_args()
    found: dict[PatternClass, tuple[int, int]] = {}
    pid = 0
    while len(found) < len(PatternClass):
        person = make_person(args.seed, pid)
        for pos, m in person.masters.items():
            found.setdefault(m.pattern, (pid, int(pos)))
        pid += 1
    rows = []
    for cls in PatternClass:
        pid, pos = found[cls]
        person = make_person(args.seed, pid)
        ridges = master_image(person, pos)
        master = np.clip(127.5 - 127.5 * ridges, 0, 255).astype(np.uint8)
        row = [_tile(master, f"master: {cls.name.lower()} (p{pid} f{pos})")]
        for k, kind in ((1, ImpressionType.LIVESCAN_ROLLED), (2, ImpressionType.LIVESCAN_PLAIN),
                        (3, ImpressionType.LIVESCAN_PLAIN), (4, ImpressionType.LIVESCAN_PLAIN)):
            imp = impression_of(person, pos, k, kind)
            skin = "dry" if imp.skin < 0.35 else "wet" if imp.skin > 0.65 else "normal"
            name = "rolled" if kind == ImpressionType.LIVESCAN_ROLLED else "plain"
            row.append(_tile(render_impression(person, pos, k, kind), f"{name} #{k}, {skin} skin, q{imp.quality}"))
        rows.append(row)
    sheet = Image.new("L", (TILE * len(rows[0]), (TILE + 18) * len(rows)), 255)
    for r, row in enumerate(rows):
        for c, tile in enumerate(row):
            sheet.paste(tile, (c * TILE, r * (TILE + 18)))
    args.out.parent.mkdir(parents=True, exist_ok=True)
    sheet.save(args.out, optimize=True)
    print(f"wrote {args.out} ({sheet.width}x{sheet.height})")


if __name__ == "__main__":
    main()
