"""How the app writes a number for a student: 3 decimals and a typographic minus, in every label, hover and
step label (the figures' labels and the tasks' step labels share it). No plotting or numba import: the tasks
read it too."""

from __future__ import annotations

import math

DIGITS = 3  # every number a student reads is shown to 3 decimals (hover and labels alike)
MINUS = "−"  # typographic minus: "−0.300" lines up with "0.300" and reads as a sign, not a hyphen


def num(value: float, digits: int = DIGITS) -> str:
    """A number as a label: fixed decimals, typographic minus, "inf"/"NaN" spelled out."""
    value = float(value)
    if math.isnan(value):
        return "NaN"
    if math.isinf(value):
        return "∞" if value > 0 else f"{MINUS}∞"
    text = f"{value:.{digits}f}"
    if float(text) == 0:  # "-0.000" would suggest a sign the rounded value does not have
        text = text.lstrip("-")
    return text.replace("-", MINUS)
