"""Next-character prediction on a short text, one-hot over the text's own alphabet."""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from .task import MAX_LENGTH, Task, one_hot, window_steps

DEFAULT_TEXT = "hello world, the lstm remembers."
MAX_TEXT_CHARS = 5000
PREVIEW_CHARS = 40  # how much of the text a one-line description quotes


@dataclass(frozen=True)
class TextTask(Task):
    """Read the text one character at a time and predict the next one.

    alphabet: the text's distinct characters, sorted; character alphabet[k] is class k.
    x: (B, T, K) one-hot of text[s : s+T];  y: (B, T) class indices of text[s+1 : s+T+1];  mask: all ones.
    Each sequence is a window at a seeded offset s; the default T = len(text) − 1 is the whole text.
    """

    text: str = DEFAULT_TEXT
    alphabet: str = field(init=False, repr=False, compare=False)
    codes: np.ndarray = field(init=False, repr=False, compare=False)  # (len(text),) class index of each character

    name = "text"
    title = "Next character"
    kind = "classification"
    input_encoding = "one_hot"
    min_length = 1

    def __post_init__(self):
        if not isinstance(self.text, str):
            raise ValueError(f"the text must be a string, got {type(self.text).__name__}.")
        if not 2 <= len(self.text) <= MAX_TEXT_CHARS:
            raise ValueError(
                f"the text has {len(self.text)} character{'s' * (len(self.text) != 1)}; "
                f"give between 2 and {MAX_TEXT_CHARS} (each character is asked to predict the next one)."
            )
        alphabet = "".join(sorted(set(self.text)))
        object.__setattr__(self, "alphabet", alphabet)
        object.__setattr__(self, "codes", self.encode(self.text))

    @property
    def max_length(self) -> int:
        return min(len(self.text) - 1, MAX_LENGTH)

    @property
    def default_length(self) -> int:
        return self.max_length

    @property
    def input_labels(self) -> tuple[str, ...]:
        """Each character as a student reads it: 'h', ' ', '\\n'."""
        return tuple(repr(char) for char in self.alphabet)

    @property
    def output_labels(self) -> tuple[str, ...]:
        return self.input_labels

    @property
    def description(self) -> str:
        preview = self.text if len(self.text) <= PREVIEW_CHARS else self.text[:PREVIEW_CHARS] + "…"
        preview = " ".join(preview.split())  # one line, whatever whitespace the text holds
        return (
            f"Next character: read “{preview}” one character at a time and predict the next "
            f"({len(self.alphabet)} distinct characters)."
        )

    def encode(self, text: str) -> np.ndarray:
        """Text → (len(text),) int64 class indices; every character must be in the alphabet."""
        index = {char: k for k, char in enumerate(self.alphabet)}
        unknown = sorted(set(text) - set(index))
        if unknown:
            raise ValueError(f"characters {''.join(unknown)!r} are not in this task's alphabet {self.alphabet!r}.")
        return np.array([index[char] for char in text], dtype=np.int64)

    def decode(self, symbols) -> str:
        """Class indices (T,) or one-hot rows (T, K) → the text they stand for."""
        arr, size = np.asarray(symbols), len(self.alphabet)
        if arr.dtype.kind == "f" and arr.ndim == 2 and arr.shape[1] == size:
            arr = arr.argmax(axis=1)
        if arr.dtype.kind not in "iu" or arr.ndim != 1:
            raise ValueError(
                f"decode takes class indices (T,) or one-hot rows (T, {size}); got {arr.dtype} {arr.shape}."
            )
        if arr.size and not (0 <= arr.min() and arr.max() < size):
            raise ValueError(f"class indices must lie in [0, {size}).")
        return "".join(self.alphabet[k] for k in arr)

    def _generate(self, rng, batch_size, length):
        steps = window_steps(rng, batch_size, length, len(self.text))
        x = one_hot(self.codes[steps], len(self.alphabet))
        return x, self.codes[steps + 1], np.ones((batch_size, length))
