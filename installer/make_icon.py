"""Draw the application icon: resources/icons/kjdesk.png (256 px) and kjdesk.ico (16–256 px).

    .venv/bin/python installer/make_icon.py

A blue rounded square with a white 兑 over a gold bar (money paid out). The results are
committed; run this again only to change the design. It needs a TrueType font with 兑
(文泉驿微米黑 on Linux, 微软雅黑 on Windows) or a font file given as the first argument.
"""

from __future__ import annotations

import sys
from pathlib import Path

from PIL import Image, ImageDraw, ImageFont

ROOT = Path(__file__).resolve().parent.parent
OUT = ROOT / "resources" / "icons"
FONT_CANDIDATES = (
    "/usr/share/fonts/truetype/wqy/wqy-microhei.ttc",
    "/usr/share/fonts/opentype/noto/NotoSansCJK-Bold.ttc",
    "C:/Windows/Fonts/msyhbd.ttc",
    "C:/Windows/Fonts/msyh.ttc",
)
BLUE_TOP, BLUE_BOTTOM = (38, 112, 190), (16, 62, 128)
GOLD = (240, 184, 48)
SIZE = 1024  # drawn large, scaled down with a good filter
ICO_SIZES = [(16, 16), (24, 24), (32, 32), (48, 48), (64, 64), (128, 128), (256, 256)]


def find_font(argv: list[str]) -> Path:
    for candidate in (*argv, *FONT_CANDIDATES):
        if Path(candidate).is_file():
            return Path(candidate)
    raise SystemExit("找不到含“兑”字的字体文件；请把字体文件路径作为参数传入")


def draw(font_file: Path) -> Image.Image:
    margin, radius = SIZE * 0.04, SIZE * 0.2
    gradient = Image.new("RGB", (SIZE, SIZE))
    pixels = ImageDraw.Draw(gradient)
    for y in range(SIZE):
        t = y / (SIZE - 1)
        colour = tuple(round(a + (b - a) * t) for a, b in zip(BLUE_TOP, BLUE_BOTTOM, strict=True))
        pixels.line([(0, y), (SIZE, y)], fill=colour)
    mask = Image.new("L", (SIZE, SIZE), 0)
    ImageDraw.Draw(mask).rounded_rectangle(
        [margin, margin, SIZE - margin, SIZE - margin], radius=radius, fill=255
    )
    icon = Image.new("RGBA", (SIZE, SIZE), (0, 0, 0, 0))
    icon.paste(gradient, (0, 0), mask)

    pen = ImageDraw.Draw(icon)
    bar_top = SIZE * 0.74
    pen.rounded_rectangle(
        [SIZE * 0.22, bar_top, SIZE * 0.78, bar_top + SIZE * 0.075], radius=SIZE * 0.03, fill=GOLD
    )
    font = ImageFont.truetype(str(font_file), int(SIZE * 0.6))
    left, top, right, bottom = pen.textbbox((0, 0), "兑", font=font)
    x = (SIZE - (right - left)) / 2 - left
    y = SIZE * 0.41 - (bottom - top) / 2 - top
    pen.text((x, y), "兑", font=font, fill="white", stroke_width=int(SIZE * 0.014), stroke_fill="white")
    return icon


def main(argv: list[str]) -> None:
    icon = draw(find_font(argv))
    OUT.mkdir(parents=True, exist_ok=True)
    icon.resize((256, 256), Image.Resampling.LANCZOS).save(OUT / "kjdesk.png", optimize=True)
    icon.save(OUT / "kjdesk.ico", sizes=ICO_SIZES)
    for name in ("kjdesk.png", "kjdesk.ico"):
        print(f"{OUT / name}  {(OUT / name).stat().st_size // 1024} KB")


if __name__ == "__main__":
    main(sys.argv[1:])
