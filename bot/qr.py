"""QR codes: PNG images for the staff bot's personal invitations, dark modules for the flyers."""

from __future__ import annotations

import io

import segno


def _make(data: str) -> segno.QRCode:
    # At least "M" (15 % of the code may be lost): printed codes get folded, stained and
    # photographed at an angle. segno raises the level further when the data still fits in the
    # same symbol size, which costs nothing.
    return segno.make_qr(data, error="m", boost_error=True)


def qr_png(data: str, *, scale: int = 10, border: int = 4) -> bytes:
    """A PNG of a QR code for `data`, black on white.

    `scale` is pixels per module; `border` is the quiet zone in modules, 4 by the standard,
    which phone scanners need to find the code.
    """
    if scale < 1:
        raise ValueError("scale must be at least 1 pixel per module")
    if border < 0:
        raise ValueError("border cannot be negative")
    buffer = io.BytesIO()
    _make(data).save(buffer, kind="png", scale=scale, border=border)
    return buffer.getvalue()


def qr_modules(data: str) -> list[list[bool]]:
    """The code's modules row by row (True is dark), without a quiet zone: for drawing it as
    vector shapes, which stay sharp at any print size."""
    return [[bool(module) for module in row] for row in _make(data).matrix]
