"""The shared QR helper: a PNG that a scanner reads back as the same text."""

from __future__ import annotations

import io

import pytest

from bot.qr import qr_modules, qr_png
from tests.support.qr import decode

LINK = "https://t.me/kim_rbk_test_bot?start=rABC123-xyz_0"


@pytest.mark.parametrize(("scale", "border"), [(10, 4), (3, 4), (6, 2)])
def test_qr_png_decodes_to_its_data(scale, border):
    from PIL import Image

    png = qr_png(LINK, scale=scale, border=border)
    assert png.startswith(b"\x89PNG\r\n\x1a\n")
    image = Image.open(io.BytesIO(png))
    size = len(qr_modules(LINK)) + 2 * border
    assert image.size == (size * scale, size * scale)
    assert decode(image.convert("L")) == [LINK]


def test_error_correction_is_at_least_m():
    from PIL import Image

    from tests.support.qr import require_zxing

    for data in (LINK, "t", "x" * 300):
        image = Image.open(io.BytesIO(qr_png(data, scale=4)))
        (result,) = require_zxing().read_barcodes(image)
        assert result.text == data
        assert result.ec_level in {"M", "Q", "H"}, (len(data), result.ec_level)


def test_bad_sizes_are_refused():
    with pytest.raises(ValueError):
        qr_png(LINK, scale=0)
    with pytest.raises(ValueError):
        qr_png(LINK, border=-1)
