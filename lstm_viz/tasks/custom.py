"""A sequence the student types ("0.5, -1, 2 ..."): its parser, and next-value prediction on it."""

from __future__ import annotations

import re
from dataclasses import dataclass, field

import numpy as np

from ..number_text import MINUS
from .task import Task, window_steps

MAX_SEQUENCE_CHARS = 5000
MAX_SEQUENCE_NUMBERS = 2000
MAX_ABS_VALUE = 1e6
EXAMPLE = "0.5, -1, 2"
SEPARATORS = "commas, spaces, semicolons or new lines"
DEFAULT_CUSTOM_TEXT = "0, 0.5, 1, 0.5, 0, -0.5, -1, -0.5, 0, 0.5, 1, 0.5, 0, -0.5, -1"

_TOKEN = re.compile(r"[^,;\s]+")  # what lies between separators; runs of separators count as one
_NUMBER = re.compile(r"[+-]?(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?", re.ASCII)
_NOT_FINITE = {sign + word for sign in ("", "+", "-") for word in ("nan", "inf", "infinity")}
_SHOWN_CHARS = 20  # a bad token longer than this is shortened in the message


def parse_sequence(text: str) -> np.ndarray:
    """Read typed numbers into a (N,) float64 array.

    Separators: commas, spaces, semicolons and new lines (runs of them count as one). Numbers are
    plain decimals with optional sign and exponent (``-0.25``, ``3e2``). Raises ``ValueError`` for empty
    text, a token that is not a number (naming it and its position), NaN/inf, more than
    MAX_SEQUENCE_CHARS characters, more than MAX_SEQUENCE_NUMBERS numbers, or |value| > MAX_ABS_VALUE.
    """
    if not isinstance(text, str):
        raise ValueError(f"expected typed text such as {EXAMPLE!r}, got {type(text).__name__}.")
    if len(text) > MAX_SEQUENCE_CHARS:
        raise ValueError(f"the text is {len(text):,} characters long; the limit is {MAX_SEQUENCE_CHARS:,}.")
    tokens = list(_TOKEN.finditer(text.replace(MINUS, "-")))  # the typographic minus, as pasted from slides
    if not tokens:
        raise ValueError(f"no numbers found: type numbers separated by {SEPARATORS}, for example {EXAMPLE}.")
    if len(tokens) > MAX_SEQUENCE_NUMBERS:
        raise ValueError(f"the text holds {len(tokens):,} numbers; the limit is {MAX_SEQUENCE_NUMBERS:,}.")
    return np.array([_read_number(m.group(), item, m.start() + 1) for item, m in enumerate(tokens, start=1)])


def _read_number(token: str, item: int, column: int) -> float:
    """One token → float, or a ValueError saying which item (1-based) at which character is wrong."""
    shown = token if len(token) <= _SHOWN_CHARS else token[:_SHOWN_CHARS] + "…"
    where = f"(item {item}, at character {column})"
    if token.lower() in _NOT_FINITE:
        raise ValueError(f"{shown!r} {where} is not a finite number; use ordinary numbers such as {EXAMPLE}.")
    if not _NUMBER.fullmatch(token):
        raise ValueError(
            f"{shown!r} {where} is not a number. Write numbers like -0.25, 3 or 1e3, separated by {SEPARATORS}."
        )
    value = float(token)
    if abs(value) > MAX_ABS_VALUE:
        raise ValueError(
            f"{shown!r} {where} is too large: values must lie between -{MAX_ABS_VALUE:,.0f} and {MAX_ABS_VALUE:,.0f}."
        )
    return value


@dataclass(frozen=True)
class CustomSequenceTask(Task):
    """Next-value prediction on the typed values v_0 … v_{N−1} (one sequence, B = 1).

    x: (1, T, 1) = v_s … v_{s+T−1};  y: (1, T, 1) = v_{s+1} … v_{s+T};  mask: all ones.
    The default T = N − 1 is the whole sequence (s = 0); a shorter T takes a window at a seeded offset s.
    """

    text: str = DEFAULT_CUSTOM_TEXT
    values: np.ndarray = field(init=False, repr=False, compare=False)  # (N,) the parsed numbers

    name = "custom"
    title = "Your sequence"
    kind = "regression"
    input_encoding = "values"
    min_length = 1
    max_batch_size = 1

    def __post_init__(self):
        values = parse_sequence(self.text)
        if values.size < 2:
            raise ValueError("type at least two numbers: each value is used to predict the one after it.")
        object.__setattr__(self, "values", values)

    @property
    def max_length(self) -> int:
        return self.values.size - 1

    @property
    def default_length(self) -> int:
        return self.max_length

    @property
    def input_labels(self) -> tuple[str, ...]:
        return ("value",)

    @property
    def output_labels(self) -> tuple[str, ...]:
        return ("next value",)

    @property
    def description(self) -> str:
        return f"Your sequence of {self.values.size} numbers: predict each next value from the ones before it."

    def _generate(self, rng, batch_size, length):
        steps = window_steps(rng, batch_size, length, self.values.size)
        return self.values[steps][..., None], self.values[steps + 1][..., None], np.ones((batch_size, length))
