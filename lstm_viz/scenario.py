"""One lesson's exact state as a small, frozen, serialisable value: the URL, the sidebar, the JSON
file and the export CLI all describe a scenario through this one class, and it is validated in one place.

    s = Scenario.from_query({"task": "adding", "T": "200", "H": "16"})   # from a URL query string
    s.to_query()        # {"model": "lstm", ..., "T": "200", ...}: round-trips through from_query
    Scenario.from_json(s.to_json()) == s

Every construction runs :meth:`Scenario.__post_init__`, which refuses (``ValueError`` with a message a
student can act on) unknown choices, non-finite numbers and anything past the hard bounds, and clamps the
fields that depend on others (the step t to [0, T-1], T to the task's own range), so no URL, however
crafted, can ask for more work than a classroom machine does for a legal scenario.
"""

from __future__ import annotations

import json
import math
from dataclasses import asdict, dataclass, fields
from typing import Any, ClassVar

from .presets import PRESETS
from .presets import latch as default_preset
from .query_words import NO, YES
from .tasks import MAX_LENGTH, TASKS, make_task

MODELS = ("lstm", "rnn", "both")
WEIGHT_SOURCES = ("random", "preset", "pretrained", "upload")
VIEWS = ("cell", "belt", "heatmaps", "equations", "gradients", "memory", "train")
COLOUR_BY = ("c", "h", "i", "f", "g", "o")
# Groups of sidebar controls a classroom link may hide (the view itself always stays).
HIDEABLE = ("model", "weights", "sequence", "size", "knobs", "unit", "step", "notes")

MAX_STEPS = MAX_LENGTH  # T: longest sequence; the gradient view's Jacobians cost T·H³
MAX_HIDDEN = 64  # H: the cell views stay readable, the Jacobians stay fast
MAX_TEXT_CHARS = 5000
PRESET_MIN_LENGTH = 2  # every preset's sequence needs a step to act on and a step to show it
MAX_SEED = 2**32 - 1
FORGET_BIAS_RANGE = (-6.0, 6.0)  # σ(±6) ≈ 0.0025 / 0.9975: past this the forget gate is simply shut or open
RECURRENT_SCALE_RANGE = (0.0, 4.0)  # × W_hh: 4 is far into the exploding regime already


@dataclass(frozen=True)
class Scenario:
    """What the teacher chose. Field order is the order of the query string.

    model: which network the cell views show; weights: where the weights come from;
    length (T) and seed: the input sequence drawn from ``task``; text: the typed sequence for the
    "text" and "custom" tasks ("" = the task's own example); hidden (H), weight_seed: random weights;
    forget_bias is added to b_f and recurrent_scale multiplies W_hh, whatever the weights' source;
    unit: the focused hidden unit; step: the time step t; view, colour_by: what is shown;
    presentation, notes: projector mode and the "what to look at" text; hide: controls a link hides.
    """

    model: str = "lstm"
    weights: str = "preset"
    preset: str = default_preset.PRESET.name
    task: str = "adding"
    length: int = default_preset.DEFAULT_LENGTH
    seed: int = 0
    text: str = ""
    hidden: int = 8
    weight_seed: int = 0
    forget_bias: float = 0.0
    recurrent_scale: float = 1.0
    unit: int = 0
    step: int = default_preset.STORE_STEP  # the default lesson opens where the latch stores its value
    view: str = "cell"
    colour_by: str = "c"
    presentation: bool = False
    notes: bool = True
    hide: tuple[str, ...] = ()

    QUERY_KEYS: ClassVar[dict[str, str]] = {
        "length": "T",
        "hidden": "H",
        "weight_seed": "wseed",
        "forget_bias": "fbias",
        "recurrent_scale": "rscale",
        "step": "t",
        "colour_by": "colour",
        "presentation": "present",
    }

    def __post_init__(self):
        _choice(self.model, "model", MODELS)
        _choice(self.weights, "weights", WEIGHT_SOURCES)
        _choice(self.preset, "preset", preset_names())
        _choice(self.task, "task", tuple(TASKS))
        _choice(self.view, "view", VIEWS)
        _choice(self.colour_by, "colour_by", COLOUR_BY)
        if not isinstance(self.text, str):
            raise ValueError("the sequence text must be text.")
        try:
            self.text.encode("utf-8")
        except UnicodeEncodeError:
            raise ValueError("the sequence text holds bytes that are not valid Unicode text.") from None
        if len(self.text) > MAX_TEXT_CHARS:
            raise ValueError(f"the sequence text has {len(self.text):,} characters; the limit is {MAX_TEXT_CHARS:,}.")
        length = _whole(self.length, "the length T", 1, MAX_STEPS)
        object.__setattr__(self, "hidden", _whole(self.hidden, "the hidden size H", 1, MAX_HIDDEN))
        object.__setattr__(self, "seed", _whole(self.seed, "the sequence seed", 0, MAX_SEED))
        object.__setattr__(self, "weight_seed", _whole(self.weight_seed, "the weight seed", 0, MAX_SEED))
        object.__setattr__(self, "unit", _whole(self.unit, "the focused unit", 0, MAX_HIDDEN - 1))
        step = _whole(self.step, "the step t", 0, MAX_STEPS - 1)
        object.__setattr__(self, "forget_bias", _real(self.forget_bias, "the forget-gate bias", *FORGET_BIAS_RANGE))
        scale = _real(self.recurrent_scale, "the recurrent weight scale", *RECURRENT_SCALE_RANGE)
        object.__setattr__(self, "recurrent_scale", scale)
        for name in ("presentation", "notes"):
            if not isinstance(getattr(self, name), bool):
                raise ValueError(f"{name} must be true or false.")
        hide = (self.hide,) if isinstance(self.hide, str) else tuple(self.hide)
        for item in hide:
            _choice(item, "control to hide", HIDEABLE)
        object.__setattr__(self, "hide", tuple(h for h in HIDEABLE if h in hide))  # canonical order, no repeats
        task = self.make_task()  # refuses a bad typed sequence with the task's own message
        if self.weights == "preset":  # the preset makes its own sequence; the task waits unused
            length = max(length, PRESET_MIN_LENGTH)
        else:
            length = min(max(length, task.min_length), task.max_length)
        object.__setattr__(self, "length", length)
        object.__setattr__(self, "step", min(step, length - 1))

    # --- what the scenario stands for -------------------------------------------------------------
    def make_task(self):
        """The :class:`lstm_viz.tasks.Task` this scenario draws its input from."""
        if self.task in ("text", "custom") and self.text:
            return make_task(self.task, text=self.text)
        return make_task(self.task)

    def replace(self, **changes) -> Scenario:
        """A validated copy with some fields changed."""
        return type(self)(**{**asdict(self), **changes})

    # --- URL query string -------------------------------------------------------------------------
    @classmethod
    def query_key(cls, field_name: str) -> str:
        return cls.QUERY_KEYS.get(field_name, field_name)

    def to_query(self) -> dict[str, str]:
        """``{query key: text}`` for ``st.query_params``; empty text and an empty ``hide`` are left out."""
        query = {}
        for f in fields(self):
            value = getattr(self, f.name)
            if f.name in ("text", "hide") and not value:
                continue
            query[self.query_key(f.name)] = _to_text(value)
        return query

    @classmethod
    def from_query(cls, query) -> Scenario:
        """Parse a query-string mapping (values as text, or lists of text: the last one counts).

        Missing keys take their defaults: a missing T is the task's default length; a preset's missing T, t,
        unit and network are the preset's own (its sequence, the step and unit its story points at). Keys that
        are not ours (``embed`` ...) are ignored.
        Raises ``ValueError`` with a readable message for anything malformed or out of bounds.
        """
        if not hasattr(query, "keys"):
            raise ValueError("a scenario query must be a mapping of names to values.")
        values = {}
        for f in fields(cls):
            key = cls.query_key(f.name)
            if key not in query:
                continue
            raw = query[key]
            if isinstance(raw, (list, tuple)):
                raw = raw[-1] if raw else ""
            values[f.name] = _from_text(f.name, raw)
        scenario = cls(**values)
        if scenario.weights == "preset":  # what the link leaves out, as choosing the preset in the sidebar sets it
            preset = PRESETS[scenario.preset]
            own = {"length": preset.length, "step": preset.focus_step, "unit": preset.focus_unit, "model": preset.model}
            return scenario.replace(**{name: value for name, value in own.items() if name not in values})
        if "length" not in values:  # a link without T: its task's own length
            return scenario.replace(length=scenario.make_task().default_length)
        return scenario

    # --- JSON ---------------------------------------------------------------------------------------
    def to_json(self) -> str:
        return json.dumps({**asdict(self), "hide": list(self.hide)}, ensure_ascii=False, sort_keys=False)

    @classmethod
    def from_json(cls, text: str) -> Scenario:
        """Read :meth:`to_json` output; unknown keys and wrong types are refused with a message."""
        try:
            data = json.loads(text)
        except json.JSONDecodeError as exc:
            raise ValueError(f"the scenario is not valid JSON ({exc}).") from None
        except (TypeError, ValueError, RecursionError):  # too deep, or a number of thousands of digits
            raise ValueError(
                'the scenario is not a JSON object of plain settings such as {"task": "adding"}.'
            ) from None
        if not isinstance(data, dict):
            raise ValueError('a scenario in JSON must be an object such as {"task": "adding"}.')
        known = {f.name for f in fields(cls)}
        unknown = sorted(set(data) - known)
        if unknown:
            shown = ", ".join(repr(name) if len(repr(name)) <= 40 else repr(name)[:40] + "…" for name in unknown)
            raise ValueError(f"the scenario has unknown entries: {shown}.")  # repr: a name may hold a line break
        if "hide" in data and not isinstance(data["hide"], list):
            raise ValueError("'hide' must be a list of control names.")
        return cls(**data)

    @classmethod
    def parse(cls, text: str) -> Scenario:
        """A scenario from either JSON (``{...}``) or a URL query string (``task=adding&T=200``, ``?`` optional)."""
        from urllib.parse import parse_qs, urlsplit

        text = text.strip()
        if text.startswith("{"):
            return cls.from_json(text)
        query = urlsplit(text).query if "://" in text else text.lstrip("?")
        return cls.from_query(parse_qs(query, keep_blank_values=True))


def preset_names() -> tuple[str, ...]:
    return tuple(PRESETS)


def _choice(value, what: str, allowed: tuple[str, ...]) -> None:
    if not isinstance(value, str) or value not in allowed:
        shown = repr(value) if len(repr(value)) <= 40 else repr(value)[:40] + "…"
        raise ValueError(f"{shown} is not a valid {what}; choose one of: {', '.join(allowed)}.")


def _whole(value, what: str, low: int, high: int) -> int:
    if isinstance(value, bool) or not isinstance(value, int):
        if isinstance(value, float) and math.isfinite(value) and value.is_integer():
            value = int(value)
        else:
            raise ValueError(f"{what} must be a whole number, got {_shown(value)}.")
    if not low <= value <= high:
        raise ValueError(f"{what} must be between {low} and {high}, got {value}.")
    return value


def _real(value, what: str, low: float, high: float) -> float:
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        raise ValueError(f"{what} must be a number, got {_shown(value)}.")
    if not math.isfinite(value):
        raise ValueError(f"{what} must be a finite number, got {_shown(value)}.")
    if not low <= value <= high:
        raise ValueError(f"{what} must be between {low:g} and {high:g}, got {value:g}.")
    return float(value)


def _to_text(value: Any) -> str:
    if isinstance(value, bool):
        return "1" if value else "0"
    if isinstance(value, tuple):
        return ",".join(value)
    if isinstance(value, float):
        return repr(value)  # shortest text that reads back to the same float
    return str(value)


_FIELD_TYPES = {
    "length": int, "seed": int, "hidden": int, "weight_seed": int, "unit": int, "step": int,
    "forget_bias": float, "recurrent_scale": float, "presentation": bool, "notes": bool, "hide": tuple,
}  # fmt: skip
_MAX_NUMBER_CHARS = 32  # no legal number needs more; refusing longer text keeps int() parsing cheap


def _shown(value, limit: int = 40) -> str:
    """``repr(value)`` cut to ``limit`` characters: a refusal names the bad value without echoing a megabyte."""
    text = repr(value)
    return text if len(text) <= limit else text[: limit - 1] + "…"


def _from_text(name: str, raw) -> Any:
    """Query text → the field's type; refuses with the field's name in the message."""
    if not isinstance(raw, str):
        raise ValueError(f"the value for {Scenario.query_key(name)!r} must be text.")
    kind = _FIELD_TYPES.get(name, str)
    key = Scenario.query_key(name)
    if kind is str:
        return raw
    if kind is tuple:
        return tuple(part for part in (p.strip() for p in raw.split(",")) if part)
    text = raw.strip().lower()
    if kind is bool:
        if text in YES or text in NO:
            return text in YES
        raise ValueError(f"{key}={_shown(raw.strip())} must be 1 or 0.")
    if len(text) > _MAX_NUMBER_CHARS:
        raise ValueError(f"{key} is too long to be a number.")
    try:
        number = float(text) if kind is float else int(text)
    except ValueError:
        what = "a number" if kind is float else "a whole number"
        raise ValueError(f"{key}={_shown(raw.strip())} is not {what}.") from None
    if kind is float and not math.isfinite(number):
        raise ValueError(f"{key}={_shown(raw.strip())} is not a finite number.")
    return number
