"""Render resources/icons/keyworker.svg to the PNG sizes (and a Windows .ico) that ship.

Run after changing the SVG, then commit the results:

    QT_QPA_PLATFORM=offscreen .venv/bin/python packaging/make_icons.py

PNGs are rendered by Qt's SVG renderer (PySide6.QtSvg, part of PySide6-Essentials); the .ico
is assembled from them by ImageMagick's ``convert`` when it is installed.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

from PySide6.QtCore import Qt  # noqa: E402
from PySide6.QtGui import QGuiApplication, QImage, QPainter  # noqa: E402
from PySide6.QtSvg import QSvgRenderer  # noqa: E402

ICONS = Path(__file__).resolve().parents[1] / "resources" / "icons"
SIZES = (16, 32, 48, 64, 128, 256)
ICO_SIZES = (16, 32, 48, 256)


def render(renderer: QSvgRenderer, size: int, dest: Path) -> None:
    image = QImage(size, size, QImage.Format.Format_ARGB32)
    image.fill(Qt.GlobalColor.transparent)
    painter = QPainter(image)
    painter.setRenderHint(QPainter.RenderHint.Antialiasing)
    renderer.render(painter)
    painter.end()
    if not image.save(str(dest), "PNG"):
        raise SystemExit(f"could not write {dest}")


def main() -> int:
    app = QGuiApplication(sys.argv[:1])
    renderer = QSvgRenderer(str(ICONS / "keyworker.svg"))
    if not renderer.isValid():
        raise SystemExit("keyworker.svg is not a valid SVG")
    for size in SIZES:
        render(renderer, size, ICONS / f"keyworker-{size}.png")
    convert = shutil.which("convert")
    if convert:
        pngs = [str(ICONS / f"keyworker-{s}.png") for s in ICO_SIZES]
        subprocess.run([convert, *pngs, str(ICONS / "keyworker.ico")], check=True)
    else:
        print("ImageMagick convert not found: keyworker.ico not rebuilt", file=sys.stderr)
    del app
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
