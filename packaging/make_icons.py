#!/usr/bin/env python3
"""Draw the app icon (a page whose middle line is blacked out) as SVG, PNG, ICO and ICNS.

    python packaging/make_icons.py [OUT]        default OUT: build/icons

One list of shapes is the single source: it is written as SVG (the .deb's scalable icon) and drawn with Pillow at
4x and scaled down for the raster formats, so every file shows the same picture. The spec calls this before
PyInstaller (EXE/BUNDLE icons); linux/make_deb.py installs app.svg and app.png into the hicolor theme.
Outputs: app.svg, app.png (256 px), app-512.png, app.ico (16-256 px), app.icns (16-1024 px).
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from PIL import Image, ImageDraw

SIZE = 256  # the shapes' coordinate space
GREEN, PAGE, FOLD, INK, LINE = "#25b135", "#ffffff", "#cde8d1", "#111111", "#a9b4ae"

# (kind, fill, geometry): "rrect" (x0, y0, x1, y1, radius), "poly" (x, y, ...).
SHAPES: list[tuple[str, str, tuple[float, ...]]] = [
    ("rrect", GREEN, (8, 8, 248, 248, 52)),                          # tile
    ("poly", PAGE, (64, 34, 162, 34, 196, 68, 196, 222, 64, 222)),    # page with a cut corner
    ("poly", FOLD, (162, 34, 162, 68, 196, 68)),                      # the folded corner
    ("rrect", LINE, (84, 92, 176, 102, 5)),                          # text lines...
    ("rrect", INK, (78, 116, 182, 144, 4)),                          # ...one redacted
    ("rrect", LINE, (84, 158, 176, 168, 5)),
    ("rrect", LINE, (84, 186, 148, 196, 5)),
]


def svg() -> str:
    parts = [f'<svg xmlns="http://www.w3.org/2000/svg" width="{SIZE}" height="{SIZE}" viewBox="0 0 {SIZE} {SIZE}">',
             "<title>Bisq Support Redactor</title>"]
    for kind, fill, g in SHAPES:
        if kind == "rrect":
            x0, y0, x1, y1, r = g
            parts.append(f'<rect x="{x0:g}" y="{y0:g}" width="{x1 - x0:g}" height="{y1 - y0:g}" rx="{r:g}" '
                         f'fill="{fill}"/>')
        else:
            points = " ".join(f"{g[i]:g},{g[i + 1]:g}" for i in range(0, len(g), 2))
            parts.append(f'<polygon points="{points}" fill="{fill}"/>')
    return "\n".join(parts + ["</svg>"]) + "\n"


def raster(px: int) -> Image.Image:
    """The icon at px x px: drawn at 4x (or at least 1024) and scaled down, for smooth edges."""
    big = max(px * 4, 1024)
    k = big / SIZE
    image = Image.new("RGBA", (big, big), (0, 0, 0, 0))
    draw = ImageDraw.Draw(image)
    for kind, fill, g in SHAPES:
        if kind == "rrect":
            x0, y0, x1, y1, r = (v * k for v in g)
            draw.rounded_rectangle((x0, y0, x1, y1), radius=r, fill=fill)
        else:
            draw.polygon([(g[i] * k, g[i + 1] * k) for i in range(0, len(g), 2)], fill=fill)
    return image.resize((px, px), Image.Resampling.LANCZOS)


def write_all(out: Path) -> list[Path]:
    out.mkdir(parents=True, exist_ok=True)
    (out / "app.svg").write_text(svg(), encoding="utf-8")
    raster(256).save(out / "app.png")
    raster(512).save(out / "app-512.png")
    ico_sizes = [16, 24, 32, 48, 64, 128, 256]
    raster(256).save(out / "app.ico", sizes=[(s, s) for s in ico_sizes],
                     append_images=[raster(s) for s in ico_sizes[:-1]])
    master = raster(1024)
    master.save(out / "app.icns", append_images=[raster(s) for s in (16, 32, 64, 128, 256, 512)])
    return [out / n for n in ("app.svg", "app.png", "app-512.png", "app.ico", "app.icns")]


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("out", type=Path, nargs="?", default=Path(__file__).resolve().parent.parent / "build" / "icons")
    args = p.parse_args(argv)
    for path in write_all(args.out):
        print(f"{path} ({path.stat().st_size} bytes)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
