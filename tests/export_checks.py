"""Checks on exported files, read for real: signatures, sizes, pixels, XML, font sizes, PDF pages, GIF frames.

Not a test module (pytest collects test_*.py / *_test.py only); the export test files import from here.
"""

from __future__ import annotations

import io
import re
import struct
import xml.etree.ElementTree as ET

import numpy as np
import pytest

from lstm_viz.export import static_export_available

PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"
SVG_NS = "{http://www.w3.org/2000/svg}"
BROWSER_AVAILABLE, BROWSER_REASON = static_export_available()
needs_browser = pytest.mark.skipif(
    not BROWSER_AVAILABLE, reason=f"static export needs Chrome/Chromium, absent here: {BROWSER_REASON}"
)


def png_size(data: bytes) -> tuple[int, int]:
    """(width, height) from the PNG's IHDR chunk, after checking the signature."""
    assert data[:8] == PNG_SIGNATURE, "not a PNG (bad signature)"
    assert data[12:16] == b"IHDR"
    return struct.unpack(">II", data[16:24])


def pixels(data: bytes) -> np.ndarray:
    from PIL import Image

    with Image.open(io.BytesIO(data)) as image:
        return np.asarray(image.convert("RGB"), dtype=float)


def assert_not_blank(data: bytes, min_std: float = 10.0) -> None:
    """The image has real content: its pixels vary (a blank or single-colour page has std ≈ 0)."""
    values = pixels(data)
    assert values.std() > min_std, f"image looks blank (pixel std {values.std():.2f})"
    assert (values < 128).any(), "image has no dark pixels (no text, no lines)"


def svg_root(data: bytes) -> ET.Element:
    root = ET.fromstring(data)
    assert root.tag == f"{SVG_NS}svg"
    return root


def svg_text(root: ET.Element) -> str:
    """All text drawn in the SVG, joined (tspans included)."""
    return " ".join("".join(el.itertext()) for el in root.iter(f"{SVG_NS}text"))


def svg_text_sizes(root: ET.Element) -> list[tuple[str, str, float]]:
    """(role, text, font size in px) of every sized text: role is the element's class ("gtitle", "xtitle", ...),
    its group's class for tick labels ("xtick"), or "caption" for the scenario line under a title."""
    parents = {child: parent for parent in root.iter() for child in parent}
    out = []
    for element in root.iter():
        style = element.get("style") or ""
        match = re.search(r"font-size:\s*([\d.]+)px", style)  # sub/superscripts are "70%": relative, skipped
        if element.tag not in (f"{SVG_NS}text", f"{SVG_NS}tspan") or not match:
            continue
        size = float(match.group(1))
        if element.tag == f"{SVG_NS}tspan":
            role = "caption"
        else:
            role = re.sub(r"^([xy])\d+", r"\1", element.get("class") or parents[element].get("class") or "")  # x6tick
        out.append((role, "".join(element.itertext()), size))
    return out


def pdf_page_count(data: bytes) -> int:
    """Page objects in a PDF (``/Type /Page``, not ``/Pages``)."""
    assert data[:5] == b"%PDF-", "not a PDF (bad header)"
    return len(re.findall(rb"/Type\s*/Page(?![a-zA-Z])", data))


def gif_frames(data: bytes) -> tuple[int, tuple[int, int]]:
    from PIL import Image

    with Image.open(io.BytesIO(data)) as image:
        assert image.format == "GIF"
        return image.n_frames, image.size
