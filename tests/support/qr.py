"""Reading QR codes back from images, as a phone would: zxing-cpp (a dev dependency)."""

from __future__ import annotations

from types import ModuleType

from tests.support.needs import skip_or_fail


def require_zxing() -> ModuleType:
    try:
        import zxingcpp
    except ImportError:
        skip_or_fail("zxing-cpp is not installed (pip install -e '.[dev]')")
    return zxingcpp


def decode(image) -> list[str]:  # type: ignore[no-untyped-def]
    """The texts of every QR code found in a Pillow image."""
    return [result.text for result in require_zxing().read_barcodes(image)]
