"""The lesson tasks: shapes, determinism, the rules of each problem, and the typed-sequence parser."""

from __future__ import annotations

import json

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from lstm_viz.tasks import (
    ADDING_BASELINE_ANSWER,
    ADDING_BASELINE_MSE,
    DEFAULT_TEXT,
    MAX_ABS_VALUE,
    MAX_BATCH_SIZE,
    MAX_LENGTH,
    MAX_SEQUENCE_NUMBERS,
    TASKS,
    make_task,
    parse_sequence,
)

RANDOM_TASKS = ("adding", "recall", "temporal_order", "sine")
ANSWER_AT_END_TASKS = ("adding", "recall", "temporal_order")
EVERY_STEP_TASKS = ("sine", "text", "custom")


def sample(name: str, batch_size: int = 8, length: int | None = None, seed: int = 0, **options):
    return make_task(name, **options).sample(batch_size, length, seed)


def masked_mse(batch, prediction: float) -> float:
    """Mean squared error of a constant prediction over the scored steps."""
    squared = ((batch.y - prediction) ** 2).sum(axis=-1)
    return float((batch.mask * squared).sum() / batch.mask.sum())


# --- the shared interface -------------------------------------------------------------------------


def test_registry_holds_the_six_lessons_under_their_names():
    assert list(TASKS) == ["adding", "recall", "temporal_order", "sine", "text", "custom"]
    assert all(task.name == name for name, task in TASKS.items())


@pytest.mark.parametrize("name", list(TASKS))
def test_every_task_returns_the_documented_shapes_and_dtypes(name):
    task = TASKS[name]
    batch_size = 1 if name == "custom" else 5
    length = min(task.default_length, 7)
    batch = task.sample(batch_size, length, seed=3)
    assert batch.x.shape == (batch_size, length, task.input_size)
    assert batch.x.dtype == np.float64
    if task.kind == "classification":
        assert batch.y.shape == (batch_size, length)
        assert batch.y.dtype == np.int64
        assert batch.y.min() >= 0 and batch.y.max() < task.output_size
    else:
        assert batch.y.shape == (batch_size, length, task.output_size)
        assert batch.y.dtype == np.float64
    assert batch.mask.shape == (batch_size, length)
    assert batch.mask.dtype == np.float64
    assert set(np.unique(batch.mask)) <= {0.0, 1.0}
    assert np.isfinite(batch.x).all() and np.isfinite(batch.y).all()
    assert (batch.kind, batch.description) == (task.kind, task.description)
    assert len(batch.input_labels) == task.input_size and len(batch.output_labels) == task.output_size
    assert "\n" not in task.description


@pytest.mark.parametrize("name", list(TASKS))
def test_default_length_is_used_when_length_is_none(name):
    task = TASKS[name]
    assert task.sample(1, None, seed=0).length == task.default_length


@pytest.mark.parametrize("name", list(TASKS))
def test_same_seed_gives_the_same_batch(name):
    task = TASKS[name]
    batch_size, length = (1, 5) if name == "custom" else (6, 9)
    first = task.sample(batch_size, length, seed=42)
    again = task.sample(batch_size, length, seed=42)
    for a, b in [(first.x, again.x), (first.y, again.y), (first.mask, again.mask)]:
        np.testing.assert_array_equal(a, b)


@pytest.mark.parametrize("name", [*RANDOM_TASKS, "text"])
def test_different_seeds_give_different_batches(name):
    assert not np.array_equal(sample(name, 8, 10, seed=0).x, sample(name, 8, 10, seed=1).x)


@pytest.mark.parametrize("name", ANSWER_AT_END_TASKS)
def test_answer_at_end_tasks_score_only_the_last_step(name):
    mask = sample(name, 16, 12).mask
    np.testing.assert_array_equal(mask[:, -1], 1.0)
    np.testing.assert_array_equal(mask[:, :-1], 0.0)


@pytest.mark.parametrize("name", EVERY_STEP_TASKS)
def test_prediction_tasks_score_every_step(name):
    batch = sample(name, 1, None)
    np.testing.assert_array_equal(batch.mask, 1.0)


@pytest.mark.parametrize(
    ("name", "options"),
    [("adding", {}), ("recall", {"num_symbols": 5, "num_distractors": 3}), ("sine", {"noise_std": 0.2}),
     ("text", {"text": "ab\nba"}), ("custom", {"text": "1 2 3"})],
)  # fmt: skip
def test_spec_is_json_and_rebuilds_an_equal_task(name, options):
    task = make_task(name, **options)
    spec = json.loads(json.dumps(task.spec()))
    rebuilt = make_task(**spec)
    assert rebuilt == task
    np.testing.assert_array_equal(rebuilt.sample(1, None, 7).x, task.sample(1, None, 7).x)


# --- argument checks ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("call", "fragment"),
    [
        (lambda: make_task("addition"), "choose one of: adding, recall, temporal_order, sine, text, custom"),
        (lambda: make_task("adding", length=5), "it takes no options"),
        (lambda: make_task("recall", symbols=3), "its options are: num_symbols, num_distractors"),
        (lambda: make_task("recall", num_symbols=1), "num_symbols must be between 2 and 26"),
        (lambda: make_task("sine", noise_std=float("nan")), "noise_std must be between 0 and 1"),
        (lambda: make_task("sine", min_period=20, max_period=10), "max_period must be between 20"),
        (lambda: make_task("text", text="a"), "give between 2 and 5000"),
        (lambda: make_task("text", text=42), "must be a string"),
        (lambda: make_task("custom", text="7"), "at least two numbers"),
        (lambda: TASKS["adding"].sample(4, 1, 0), "T for task 'adding' must be between 2 and 2000, got 1"),
        (lambda: TASKS["sine"].sample(4, MAX_LENGTH + 1, 0), "must be between 2 and 2000"),
        (lambda: TASKS["adding"].sample(0, 10, 0), "batch_size for task 'adding' must be between 1 and 4096"),
        (lambda: TASKS["adding"].sample(MAX_BATCH_SIZE + 1, 10, 0), "between 1 and 4096"),
        (lambda: TASKS["adding"].sample(2.0, 10, 0), "batch_size for task 'adding' must be a whole number"),
        (lambda: TASKS["adding"].sample(4, 10, "7"), "seed must be a whole number"),
        (lambda: TASKS["adding"].sample(4, 10, 1.5), "seed must be a whole number"),
        (lambda: TASKS["adding"].sample(4, 10, True), "seed must be a whole number"),
        (lambda: TASKS["adding"].sample(4, 10, -1), "seed must be a whole number ≥ 0"),
        (lambda: TASKS["custom"].sample(2, None, 0), "batch_size for task 'custom' must be exactly 1"),
        (lambda: TASKS["text"].sample(1, len(DEFAULT_TEXT), 0), f"between 1 and {len(DEFAULT_TEXT) - 1}"),
        (lambda: make_task("recall", num_symbols=26, num_distractors=26).sample(4096, 2000, 0), "the limit is"),
    ],
)
def test_bad_arguments_raise_a_readable_value_error(call, fragment):
    with pytest.raises(ValueError, match=None) as caught:
        call()
    assert fragment in str(caught.value)


def test_numpy_integers_are_accepted_as_sizes_and_seeds():
    batch = TASKS["adding"].sample(np.int64(3), np.int32(6), np.uint8(5))
    np.testing.assert_array_equal(batch.x, TASKS["adding"].sample(3, 6, 5).x)


# --- the adding problem ---------------------------------------------------------------------------


def test_adding_has_exactly_one_marker_in_each_half():
    for length in (2, 3, 11, 50):
        markers = sample("adding", 256, length, seed=length).x[:, :, 1]
        half = length // 2
        assert set(np.unique(markers)) <= {0.0, 1.0}
        np.testing.assert_array_equal(markers.sum(axis=1), 2.0)
        np.testing.assert_array_equal(markers[:, :half].sum(axis=1), 1.0)
        np.testing.assert_array_equal(markers[:, half:].sum(axis=1), 1.0)


def test_adding_target_is_the_sum_of_the_two_marked_values():
    batch = sample("adding", 512, 30, seed=9)
    values, markers = batch.x[:, :, 0], batch.x[:, :, 1]
    assert values.min() >= 0.0 and values.max() < 1.0
    np.testing.assert_allclose(batch.y[:, -1, 0], (values * markers).sum(axis=1), rtol=0, atol=1e-15)


def test_always_answering_one_scores_the_documented_baseline_mse():
    assert ADDING_BASELINE_MSE == pytest.approx(1 / 6)  # Var(u1 + u2) = 2/12 for u ~ U(0, 1)
    errors = [masked_mse(sample("adding", MAX_BATCH_SIZE, 20, seed=s), ADDING_BASELINE_ANSWER) for s in range(4)]
    assert np.mean(errors) == pytest.approx(ADDING_BASELINE_MSE, abs=0.01)
    assert "0.167" in TASKS["adding"].description


def test_numbers_in_step_labels_read_like_every_other_number_in_the_app():
    """3 decimals and a typographic minus (the sine read "-0.5319" beside "−0.532" everywhere else); a typed
    whole number stays as typed."""
    sine = sample("sine", 1, 40, seed=0)
    for t in range(40):
        value = float(sine.x[0, t, 0])
        assert sine.step_label(0, t) == f"{value:.3f}".replace("-", "−").replace("−0.000", "0.000")
        assert sine.target_label(0, t) == f"{float(sine.y[0, t, 0]):.3f}".replace("-", "−").replace("−0.000", "0.000")
    custom = make_task("custom", text="0.5, -1, 2, -0.25").sample(1, None, seed=0)
    assert [custom.step_label(0, t) for t in range(custom.length)][:3] == ["0.500", "−1", "2"]


def test_adding_step_labels_show_value_and_marker():
    batch = sample("adding", 1, 4, seed=0)
    labels = [batch.step_label(0, t) for t in range(4)]
    assert sum("★marker" in label for label in labels) == 2
    assert all(label.startswith(f"{batch.x[0, t, 0]:.2f}") for t, label in enumerate(labels))


# --- long-lag recall and temporal order -----------------------------------------------------------


def test_recall_distractors_come_from_the_symbols_alphabet_and_only_step_0_is_marked():
    batch = sample("recall", 400, 15, seed=4)
    symbols, marker = batch.x[..., :-1].argmax(axis=-1), batch.x[..., -1]
    np.testing.assert_array_equal(batch.x[..., :-1].sum(axis=-1), 1.0)  # one symbol per step
    np.testing.assert_array_equal(marker[:, 0], 1.0)
    np.testing.assert_array_equal(marker[:, 1:], 0.0)
    np.testing.assert_array_equal(batch.y[:, -1], symbols[:, 0])
    assert batch.input_labels == ("A", "B", "C", "D", "E", "F", "G", "H", "marker")
    assert set(np.unique(symbols[:, 0])) == set(np.unique(symbols[:, 1:])) == set(range(8))
    # the later symbols are independent of the answer: each shows up ≈ 1/8 of the time whatever the answer
    later = symbols[:, 1:] == batch.y[:, -1:]
    assert abs(later.mean() - 1 / 8) < 0.02


@pytest.mark.parametrize(("num_symbols", "num_distractors"), [(2, 2), (4, 1), (26, 26)])
def test_recall_with_separate_distractors_never_shows_a_symbol_after_step_0(num_symbols, num_distractors):
    batch = sample("recall", 200, 15, seed=4, num_symbols=num_symbols, num_distractors=num_distractors)
    symbols = batch.x[..., :-1].argmax(axis=-1)
    np.testing.assert_array_equal(batch.y[:, -1], symbols[:, 0])
    assert symbols[:, 0].max() < num_symbols
    assert symbols[:, 1:].min() >= num_symbols
    assert len(np.unique(symbols[:, 0])) == num_symbols  # every symbol shows up in 200 draws


def test_recall_of_bits_reads_as_bits_and_shows_the_marker():
    batch = sample("recall", 1, 3, seed=0, num_symbols=2)
    assert batch.step_label(0, 0) in ("bit 0 ★marker", "bit 1 ★marker")
    assert batch.target_label(0, 2) + " ★marker" == batch.step_label(0, 0)
    assert batch.step_label(0, 1) in ("bit 0", "bit 1")
    assert "chance 50%" in batch.description and "chance 12.5%" in make_task("recall").description


def test_temporal_order_class_names_the_two_relevant_symbols_in_order():
    batch = sample("temporal_order", 300, 21, seed=5)
    symbols = batch.x.argmax(axis=-1)
    relevant = symbols < 2  # X = 0, Y = 1
    np.testing.assert_array_equal(relevant[:, :10].sum(axis=1), 1)
    np.testing.assert_array_equal(relevant[:, 10:].sum(axis=1), 1)
    in_order = np.where(relevant, symbols, -1)
    first, second = in_order[:, :10].max(axis=1), in_order[:, 10:].max(axis=1)
    names = [batch.output_labels[c] for c in batch.y[:, -1]]
    assert names == ["XY"[a] + "XY"[b] for a, b in zip(first, second, strict=True)]
    assert set(names) == {"XX", "XY", "YX", "YY"}


# --- sine, text, custom ---------------------------------------------------------------------------


def test_sine_target_is_the_next_input():
    batch = sample("sine", 10, 40, seed=2)
    np.testing.assert_array_equal(batch.y[:, :-1], batch.x[:, 1:])


def test_noise_free_sine_obeys_the_two_term_recurrence():
    period = 12.0  # sin((t+1)ω + φ) + sin((t−1)ω + φ) = 2 cos ω · sin(tω + φ)
    x = sample("sine", 4, 50, seed=1, noise_std=0.0, min_period=period, max_period=period).x[:, :, 0]
    np.testing.assert_allclose(x[:, 2:] + x[:, :-2], 2 * np.cos(2 * np.pi / period) * x[:, 1:-1], atol=1e-12)


def test_sine_noise_has_the_requested_standard_deviation():
    period, noise = 12.0, 0.1
    x = sample("sine", 256, 200, seed=1, noise_std=noise, min_period=period, max_period=period).x[:, :, 0]
    c = 2 * np.cos(2 * np.pi / period)
    residual = x[:, 2:] + x[:, :-2] - c * x[:, 1:-1]  # only the noise is left: var = σ²(2 + c²)
    assert residual.std() == pytest.approx(noise * np.sqrt(2 + c**2), rel=0.02)


def test_text_one_hot_decodes_back_to_the_text():
    task = TASKS["text"]
    batch = task.sample(1, None, seed=0)
    assert task.alphabet == "".join(sorted(set(DEFAULT_TEXT)))
    assert task.decode(batch.x[0]) + task.decode(batch.y[0, -1:]) == DEFAULT_TEXT
    assert task.decode(batch.y[0]) == DEFAULT_TEXT[1:]
    assert "".join(batch.step_label(0, t)[1] for t in range(batch.length)) == DEFAULT_TEXT[:-1]


def test_text_windows_are_pieces_of_the_text_with_the_next_character_as_target():
    task = make_task("text", text="the cat sat on the mat\nand the dog")
    batch = task.sample(20, 6, seed=8)
    for b in range(20):
        inputs, targets = task.decode(batch.x[b]), task.decode(batch.y[b])
        assert inputs in task.text and inputs[1:] == targets[:-1]
        assert inputs + targets[-1] in task.text
    assert "'\\n'" in task.input_labels


def test_custom_task_predicts_each_next_typed_value():
    task = make_task("custom", text="0.5, -1, 2; 3\n4")
    batch = task.sample(1, None, seed=0)
    np.testing.assert_array_equal(batch.x[0, :, 0], [0.5, -1, 2, 3])
    np.testing.assert_array_equal(batch.y[0, :, 0], [-1, 2, 3, 4])
    window = task.sample(1, 2, seed=3)
    start = int(np.flatnonzero(task.values == window.x[0, 0, 0])[0])
    np.testing.assert_array_equal(window.y[0, :, 0], task.values[start + 1 : start + 3])


# --- the typed-sequence parser --------------------------------------------------------------------


def test_parser_reads_every_separator_and_number_form():
    values = parse_sequence(" 0.5, -1  2;3\n\t4e-1 ; +.5, −2 ,\n")
    np.testing.assert_array_equal(values, [0.5, -1, 2, 3, 0.4, 0.5, -2])
    assert values.dtype == np.float64


@pytest.mark.parametrize(
    ("text", "fragment"),
    [
        ("", "no numbers found"),
        (" ,;\n ", "no numbers found"),
        ("1, two, 3", "'two' (item 2, at character 4) is not a number"),
        ("1 2 3x", "'3x' (item 3, at character 5)"),
        ("0,5 1.2.3", "'1.2.3' (item 3"),
        ("1, nan", "'nan' (item 2, at character 4) is not a finite number"),
        ("-inf 2", "'-inf' (item 1, at character 1) is not a finite number"),
        ("Infinity", "not a finite number"),
        ("1e7", "'1e7' (item 1, at character 1) is too large"),
        ("3, -1000001", "between -1,000,000 and 1,000,000"),
        ("1e999", "too large"),
        ("1" * 30, "'" + "1" * 20 + "…'"),
        ("1 " * 2501, "the limit is 5,000"),
        ("1," * (MAX_SEQUENCE_NUMBERS + 1), "2,001 numbers; the limit is 2,000"),
        (None, "expected typed text"),
    ],
)
def test_parser_refuses_bad_text_with_a_message_naming_the_problem(text, fragment):
    with pytest.raises(ValueError) as caught:
        parse_sequence(text)
    assert fragment in str(caught.value)


def test_parser_accepts_the_limits_themselves():
    assert parse_sequence("1," * MAX_SEQUENCE_NUMBERS).size == MAX_SEQUENCE_NUMBERS
    np.testing.assert_array_equal(parse_sequence("-1e6 1000000"), [-MAX_ABS_VALUE, MAX_ABS_VALUE])


@settings(max_examples=300, deadline=None)
@given(st.one_of(st.text(max_size=200), st.text(alphabet="0123456789+-−.eE,; \n\tinfaINF", max_size=60)))
def test_parser_on_any_text_returns_finite_numbers_or_raises_value_error(text):
    try:
        values = parse_sequence(text)
    except ValueError as error:
        assert str(error)
        return
    assert isinstance(values, np.ndarray) and values.ndim == 1 and values.dtype == np.float64
    assert 1 <= values.size <= MAX_SEQUENCE_NUMBERS
    assert np.isfinite(values).all() and np.abs(values).max() <= MAX_ABS_VALUE


@settings(deadline=None)
@given(
    st.lists(st.floats(-MAX_ABS_VALUE, MAX_ABS_VALUE, allow_nan=False), min_size=1, max_size=40),
    st.sampled_from([",", ", ", " ", ";", "\n", " ; "]),
)
def test_parser_reads_back_printed_numbers_exactly(numbers, separator):
    np.testing.assert_array_equal(parse_sequence(separator.join(repr(v) for v in numbers)), numbers)
