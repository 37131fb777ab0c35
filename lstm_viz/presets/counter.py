"""Counter: one LSTM unit whose cell state counts how many times the symbol 'a' has appeared."""

from __future__ import annotations

import numpy as np

from .preset import Episode, Preset, check_length
from .wiring import CLOSED, OPEN, SWING, GateWiring, one_unit_lstm

CHANNELS = ("a", "b")  # one-hot symbols
COUNT_STEP = 0.1  # k: each 'a' adds k to the cell, so c_T ≈ k · (number of a's)
CANDIDATE_BIAS = float(np.arctanh(COUNT_STEP))  # tanh(CANDIDATE_BIAS) = k: the candidate is always k
COUNT_TOLERANCE = 0.01  # |c_T − k·n| ≤ 1 % of k·n up to 200 steps: each step loses 1 − σ(10) ≈ 0.005 %
DEFAULT_LENGTH = 40
P_A = 0.4  # each step shows 'a' with this probability, else 'b'

PARAMS = one_unit_lstm(
    CHANNELS,
    i=GateWiring(CLOSED, {"a": SWING}),  # open only on 'a'
    f=GateWiring(OPEN),  # never forget: the count accumulates
    g=GateWiring(CANDIDATE_BIAS),  # always offers +k, whatever the symbol
    o=GateWiring(OPEN),  # always open: h = tanh(c) shows the count, squashed
)

STORY = (
    "Each step shows one symbol, a or b. The input gate opens only on a (the a line's weight of +20 "
    "lifts it from −10 to +10), and the candidate g has no input weights at all: its bias is "
    "set so that g = tanh(bias) = 0.1 at every step. So every a adds 0.1 to the cell and every b adds "
    "nothing. The forget gate stays open (f ≈ 0.99995), so nothing already counted is lost: after the "
    "sequence the cell holds 0.1 × (number of a's), within 1 % — seven a's give c ≈ 0.7. Now look at "
    "h = o·tanh(c): it is the count squashed by tanh and stops telling counts apart once c passes "
    "about 2. That is why an LSTM keeps a count in its cell, where adding is exact, and not in h."
)


def count_episode(length: int, seed: int = 0) -> Episode:
    """Random a/b symbols, one-hot: inputs (T, 2); the focus is the last step, where the count is complete."""
    length = check_length(length, 1, "counter")
    is_a = np.random.default_rng(seed).random(length) < P_A
    return Episode(one_hot_ab(is_a), tuple("a" if a else "b" for a in is_a), length - 1)


def one_hot_ab(is_a: np.ndarray) -> np.ndarray:
    """(T,) bool -> (T, 2) one-hot over (a, b)."""
    return np.stack([is_a, ~is_a], axis=1).astype(np.float64)


PRESET = Preset.build(
    name="counter",
    title="Counter: the cell state counts the a's",
    story=STORY,
    params=PARAMS,
    input_labels=CHANNELS,
    focus_unit=0,
    make_episode=count_episode,
    length=DEFAULT_LENGTH,
)
