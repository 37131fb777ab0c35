"""One colour per quantity, everywhere: the Okabe–Ito palette (safe for the common colour-vision deficiencies).

Gates get four distinct hues, chosen so that the three drawn together as lines (f, i, o) are the most
distinct (vermillion, bluish green, reddish purple); the cell state, the conveyor belt of the LSTM, gets the blue that
also marks the LSTM as a model, and the vanilla RNN gets vermillion (the classic CVD-safe blue/vermillion
pair). Model colours only ever appear in model-comparison figures, never next to gate colours.

Colourscales are Plotly lists ``[[position, "#rrggbb"], ...]``:
    GATE_SCALE    sequential, for gate activations in [0, 1]
    SIGNED_SCALE  diverging orange–white–blue, centred on 0, for c, h, g and gradients
"""

from __future__ import annotations

import numpy as np

OKABE_ITO = {
    "black": "#000000",
    "orange": "#E69F00",
    "sky_blue": "#56B4E9",
    "bluish_green": "#009E73",
    "yellow": "#F0E442",
    "blue": "#0072B2",
    "vermillion": "#D55E00",
    "reddish_purple": "#CC79A7",
}

GATE_COLORS = {
    "i": OKABE_ITO["bluish_green"],  # input gate: how much is written
    "f": OKABE_ITO["vermillion"],  # forget gate: how much is kept
    "g": OKABE_ITO["orange"],  # candidate: what would be written
    "o": OKABE_ITO["reddish_purple"],  # output gate: how much is shown
    "c": OKABE_ITO["blue"],  # cell state: the conveyor belt
    "h": OKABE_ITO["sky_blue"],  # hidden state: what the cell shows
    "x": "#6E6E6E",  # input: neutral grey
    "a": OKABE_ITO["orange"],  # vanilla RNN pre-activation (plays the role of g)
    "lstm": OKABE_ITO["blue"],
    "rnn": OKABE_ITO["vermillion"],
}

GATE_NAMES = {
    "i": "input gate",
    "f": "forget gate",
    "g": "candidate",
    "o": "output gate",
    "c": "cell state",
    "h": "hidden state",
    "x": "input",
    "a": "pre-activation",
    "tanh_c": "tanh of the cell state",
    "kept": "kept f·c",
    "written": "written i·g",
    "lstm": "LSTM",
    "rnn": "vanilla RNN",
}

# Plotly text markup (``<sub>``) so labels read like the equations without needing MathJax.
GATE_SYMBOLS = {
    "i": "i<sub>t</sub>",
    "f": "f<sub>t</sub>",
    "g": "g<sub>t</sub>",
    "o": "o<sub>t</sub>",
    "c": "c<sub>t</sub>",
    "h": "h<sub>t</sub>",
    "x": "x<sub>t</sub>",
    "a": "a<sub>t</sub>",
    "tanh_c": "tanh(c<sub>t</sub>)",
    "kept": "f<sub>t</sub>·c<sub>t−1</sub>",
    "written": "i<sub>t</sub>·g<sub>t</sub>",
}

# Which quantities live in [0, 1] (sigmoid gates) and which are bounded by tanh in [-1, 1].
UNIT_INTERVAL_KEYS = frozenset({"i", "f", "o"})
TANH_BOUNDED_KEYS = frozenset({"g", "h", "tanh_c"})

NEUTRAL = "#F7F7F7"  # the zero of every scale: almost white, so cells still show their borders
INK = "#1A1A1A"  # text and outlines
MUTED = "#8A8A8A"  # secondary text, reference lines

# ColorBrewer PuOr (orange half) and RdBu (blue half): both halves are CVD-safe, lightness symmetric.
SIGNED_SCALE = [
    [0.0, "#7F3B08"],
    [0.1, "#B35806"],
    [0.2, "#E08214"],
    [0.3, "#FDB863"],
    [0.4, "#FEE0B6"],
    [0.5, NEUTRAL],
    [0.6, "#D1E5F0"],
    [0.7, "#92C5DE"],
    [0.8, "#4393C3"],
    [0.9, "#2166AC"],
    [1.0, "#053061"],
]


def hex_to_rgb(color: str) -> np.ndarray:
    """'#rrggbb' -> (3,) floats in [0, 255]."""
    color = color.lstrip("#")
    return np.array([int(color[k : k + 2], 16) for k in (0, 2, 4)], dtype=float)


def rgb_to_hex(rgb) -> str:
    r, g, b = (round(float(np.clip(v, 0, 255))) for v in rgb)
    return f"#{r:02X}{g:02X}{b:02X}"


def mix(color: str, weight: float, base: str = NEUTRAL) -> str:
    """``base`` blended towards ``color`` by ``weight`` in [0, 1] (0 → base, 1 → color)."""
    w = float(np.clip(weight, 0.0, 1.0)) if np.isfinite(weight) else 0.0
    return rgb_to_hex((1 - w) * hex_to_rgb(base) + w * hex_to_rgb(color))


def darken(color: str, amount: float) -> str:
    """``color`` blended towards black by ``amount`` in [0, 1]."""
    return mix("#000000", amount, base=color)


def relative_luminance(color: str) -> float:
    """WCAG relative luminance of '#rrggbb', 0 (black) .. 1 (white)."""
    srgb = hex_to_rgb(color) / 255.0
    lin = np.where(srgb <= 0.04045, srgb / 12.92, ((srgb + 0.055) / 1.055) ** 2.4)
    return float(lin @ np.array([0.2126, 0.7152, 0.0722]))


def text_color_on(fill: str) -> str:
    """Black or white, whichever contrasts more with ``fill`` (WCAG contrast ratio)."""
    lum = relative_luminance(fill)
    return INK if (lum + 0.05) / 0.05 > 1.05 / (lum + 0.05) else "#FFFFFF"


def scale_color(scale: list, fraction: float) -> str:
    """The colour of a plotly colourscale ``[[position, '#rrggbb'], ...]`` at ``fraction`` in [0, 1] (RGB mix)."""
    positions = np.array([p for p, _ in scale], dtype=float)
    fraction = float(np.clip(fraction, 0.0, 1.0))
    right = int(np.clip(np.searchsorted(positions, fraction), 1, len(scale) - 1))
    (p0, c0), (p1, c1) = scale[right - 1], scale[right]
    weight = (fraction - p0) / (p1 - p0) if p1 > p0 else 1.0
    return mix(c1, weight, base=c0)


def text_shade(color: str) -> str:
    """A gate colour darkened just enough to be read as text on white (the lighter hues are ~2:1 otherwise)."""
    return darken(color, 0.3)


def sequential_scale(color: str) -> list:
    """A one-hue scale for [0, 1]: near-white → ``color`` → ``color`` darkened; lightness falls monotonically."""
    return [[0.0, NEUTRAL], [0.55, color], [1.0, darken(color, 0.45)]]


def gate_scale(key: str) -> list:
    """The sequential scale of gate ``key`` (its own hue), for heatmaps of i, f, o."""
    return sequential_scale(GATE_COLORS[key])


GATE_SCALE = sequential_scale("#3B5B92")  # a neutral slate blue, for gates shown without their own hue


EXTRA_COLORS = tuple(OKABE_ITO[k] for k in ("bluish_green", "reddish_purple", "orange", "sky_blue", "black"))


def model_color(label: str, fallback_index: int = 0) -> str:
    """The model colour for a label such as "LSTM (H=8)" or "RNN"; other labels cycle through Okabe–Ito."""
    low = label.lower()
    if "lstm" in low:
        return GATE_COLORS["lstm"]
    if "rnn" in low:
        return GATE_COLORS["rnn"]
    return EXTRA_COLORS[fallback_index % len(EXTRA_COLORS)]


def distinct_colors(preferred: list[str]) -> list[str]:
    """``preferred`` colours in order, each one already taken replaced by the next free Okabe–Ito hue.

    So {"LSTM", "RNN", "RNN ρ=3"} are blue, vermillion and bluish green: a model keeps its colour and a
    second curve of the same model is still told apart.
    """
    out: list[str] = []
    spare = iter(c for _ in range(len(preferred) + 1) for c in EXTRA_COLORS)
    for color in preferred:
        while color in out:
            color = next(spare)
        out.append(color)
    return out


def quantity_color(key: str) -> str:
    """The colour of a trace quantity; derived ones take the colour of the gate that makes them."""
    derived = {"kept": "f", "written": "i", "tanh_c": "c", "c_prev": "c", "h_prev": "h"}
    return GATE_COLORS[derived.get(key, key)] if derived.get(key, key) in GATE_COLORS else INK
