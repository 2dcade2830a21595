"""Words on pictures: a part's size, captions over panels, figures beside them.
Pillow's own scalable font is used, so no font file has to be found."""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from PIL import Image, ImageFont

TEXT = (60, 60, 60)
RULE = (215, 215, 215)


def font(pixels: int) -> ImageFont.FreeTypeFont | ImageFont.ImageFont:
    from PIL import ImageFont

    return ImageFont.load_default(size=max(9, pixels))


def text_height(size: int) -> int:
    """The font size for a picture ``size`` pixels across."""
    return max(10, round(size * 0.034))


def size_label(minimum: tuple[float, ...], maximum: tuple[float, ...]) -> str:
    """A part's bounding box in millimetres, x by y by z: "62.0 x 40.0 x 25.0 mm"
    (Pillow's font has no multiplication sign)."""
    return " x ".join(f"{hi - lo:.1f}" for lo, hi in zip(minimum, maximum, strict=True)) + " mm"


def band(width: int, lines: list[str], pixels: int) -> Image.Image:
    """Lines of text on white, ``width`` wide."""
    from PIL import Image, ImageDraw

    face = font(pixels)
    step = round(pixels * 1.35)
    picture = Image.new("RGB", (width, step * len(lines) + round(pixels * 0.6)), "white")
    pen = ImageDraw.Draw(picture)
    for number, line in enumerate(lines):
        pen.text(
            (round(pixels * 0.5), round(pixels * 0.3) + number * step), line, fill=TEXT, font=face
        )
    return picture


def side_by_side(
    panels: list[tuple[str, Image.Image]], notes: list[str], pixels: int
) -> Image.Image:
    """Panels in a row, each under its caption, with ``notes`` below them all."""
    from PIL import Image, ImageDraw

    gap = max(2, pixels // 4)
    captions = [band(panel.width, [caption], pixels) for caption, panel in panels]
    width = sum(panel.width for _, panel in panels) + gap * (len(panels) - 1)
    footer = band(width, notes, pixels) if notes else None
    height = max(c.height + p.height for c, (_, p) in zip(captions, panels, strict=True))
    picture = Image.new("RGB", (width, height + (footer.height if footer else 0)), "white")
    pen = ImageDraw.Draw(picture)
    left = 0
    for caption, (_, panel) in zip(captions, panels, strict=True):
        picture.paste(caption, (left, 0))
        picture.paste(panel, (left, caption.height))
        if left:
            pen.line([(left - gap // 2 - 1, 0), (left - gap // 2 - 1, height)], fill=RULE, width=1)
        left += panel.width + gap
    if footer:
        picture.paste(footer, (0, height))
    return picture
