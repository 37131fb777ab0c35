"""Hand-set models a teacher can read aloud: each a :class:`Preset` with weights, a story and inputs.

>>> from lstm_viz.presets import get_preset
>>> latch = get_preset("latch")
>>> trace = latch.run()  # the LSTMTrace on latch.inputs
>>> longer = latch.with_length(500)  # the same weights on a 500-step sequence
"""

from __future__ import annotations

from . import counter, latch, reset, spiral
from .preset import MAX_LENGTH, Episode, Preset
from .wiring import CLOSED, OPEN, SWING, GateWiring, one_unit_lstm

PRESETS: dict[str, Preset] = {
    p.name: p for p in (latch.PRESET, counter.PRESET, reset.PRESET, spiral.VANISHING, spiral.EXPLODING)
}


def get_preset(name: str) -> Preset:
    """The preset called ``name``; a ValueError lists the valid names otherwise."""
    try:
        return PRESETS[name]
    except (KeyError, TypeError):
        raise ValueError(f"unknown preset {name!r}; choose one of: {', '.join(PRESETS)}.") from None


__all__ = [
    "CLOSED",
    "MAX_LENGTH",
    "OPEN",
    "PRESETS",
    "SWING",
    "Episode",
    "GateWiring",
    "Preset",
    "get_preset",
    "one_unit_lstm",
]
