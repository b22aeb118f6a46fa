"""QR codes as PNG images (segno): personal invitations and flyers."""

from __future__ import annotations

import io

import segno


def qr_png(data: str, *, scale: int = 10, border: int = 4) -> bytes:
    """A PNG of a QR code for `data`, with error correction M (readable when a little dirty
    or printed small)."""
    buffer = io.BytesIO()
    segno.make(data, error="m", micro=False).save(buffer, kind="png", scale=scale, border=border)
    return buffer.getvalue()
