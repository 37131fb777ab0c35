"""The scenario value object: one validation layer for widgets, URLs and JSON, and exact round trips."""

from __future__ import annotations

import dataclasses
import math

import pytest
from hypothesis import given
from hypothesis import strategies as st

from lstm_viz.presets import PRESETS
from lstm_viz.scenario import (
    COLOUR_BY,
    HIDEABLE,
    MAX_HIDDEN,
    MAX_STEPS,
    MAX_TEXT_CHARS,
    MODELS,
    VIEWS,
    WEIGHT_SOURCES,
    Scenario,
    preset_names,
)
from lstm_viz.tasks import TASKS

NUMBER_TASKS = [name for name in TASKS if name not in ("text", "custom")]


@st.composite
def scenarios(draw):
    task = draw(st.sampled_from(NUMBER_TASKS))
    return Scenario(
        model=draw(st.sampled_from(MODELS)),
        weights=draw(st.sampled_from(WEIGHT_SOURCES)),
        preset=draw(st.sampled_from(preset_names())),
        task=task,
        length=draw(st.integers(TASKS[task].min_length, 300)),
        seed=draw(st.integers(0, 2**32 - 1)),
        text=draw(st.text(max_size=30)),
        hidden=draw(st.integers(1, MAX_HIDDEN)),
        weight_seed=draw(st.integers(0, 2**32 - 1)),
        forget_bias=draw(st.floats(-6, 6, allow_nan=False)),
        recurrent_scale=draw(st.floats(0, 4, allow_nan=False)),
        unit=draw(st.integers(0, MAX_HIDDEN - 1)),
        step=draw(st.integers(0, 299)),
        view=draw(st.sampled_from(VIEWS)),
        colour_by=draw(st.sampled_from(COLOUR_BY)),
        presentation=draw(st.booleans()),
        notes=draw(st.booleans()),
        hide=tuple(draw(st.lists(st.sampled_from(HIDEABLE), unique=True))),
    )


def test_default_scenario_is_a_valid_lesson():
    s = Scenario()
    assert s.weights == "preset" and s.preset in preset_names()
    assert 0 <= s.step < s.length


@given(scenarios())
def test_query_string_round_trips_exactly(s):
    query = s.to_query()
    assert all(isinstance(k, str) and isinstance(v, str) for k, v in query.items())
    assert Scenario.from_query(query) == s


@given(scenarios())
def test_json_round_trips_exactly(s):
    assert Scenario.from_json(s.to_json()) == s


def test_scenario_is_frozen():
    with pytest.raises(dataclasses.FrozenInstanceError):
        Scenario().hidden = 3


def test_missing_keys_take_defaults_and_foreign_keys_are_ignored():
    s = Scenario.from_query({"H": "16", "embed": "true", "utm_source": "mail"})
    assert s == Scenario(hidden=16)


def test_repeated_query_values_use_the_last_one():
    assert Scenario.from_query({"H": ["3", "5"]}).hidden == 5


@pytest.mark.parametrize(
    ("query", "words"),
    [
        ({"T": "2001"}, "between 1 and 2000"),
        ({"T": "0"}, "between 1 and 2000"),
        ({"T": "1e9"}, "whole number"),
        ({"H": "65"}, "between 1 and 64"),
        ({"H": "0"}, "between 1 and 64"),
        ({"H": "9" * 5000}, "too long"),
        ({"fbias": "nan"}, "finite"),
        ({"fbias": "inf"}, "finite"),
        ({"rscale": "1e400"}, "finite"),
        ({"rscale": "-1"}, "between 0 and 4"),
        ({"seed": "-1"}, "between 0"),
        ({"model": "gru"}, "choose one of"),
        ({"task": "<script>"}, "choose one of"),
        ({"view": "admin"}, "choose one of"),
        ({"present": "maybe"}, "1 or 0"),
        ({"hide": "model,everything"}, "choose one of"),
        ({"text": "x" * (MAX_TEXT_CHARS + 1)}, "limit is 5,000"),
    ],
)
def test_out_of_bounds_or_malformed_queries_are_refused_with_a_readable_message(query, words):
    with pytest.raises(ValueError, match=words):
        Scenario.from_query(query)


def test_bad_custom_sequence_is_refused_naming_the_bad_item():
    with pytest.raises(ValueError, match="'abc'"):
        Scenario.from_query({"task": "custom", "text": "1, 2, abc"})


def test_step_is_clamped_into_the_sequence():
    assert Scenario(length=10, step=500).step == 9
    assert Scenario(weights="random", task="recall", length=1, step=3).length == 2  # recall needs 2 steps
    assert Scenario.from_query({"T": "5", "t": "1999"}).step == 4


def test_length_is_clamped_to_what_the_typed_text_allows():
    s = Scenario(weights="random", task="text", text="hello", length=2000)
    assert s.length == len("hello") - 1


def test_a_preset_makes_its_own_sequence_so_the_task_does_not_limit_its_length():
    assert Scenario(weights="preset", task="text", text="hello", length=300).length == 300


def test_hide_is_kept_in_canonical_order_without_repeats():
    s = Scenario(hide=("knobs", "model", "knobs"))
    assert s.hide == ("model", "knobs")
    assert s.to_query()["hide"] == "model,knobs"


def test_json_with_unknown_entries_or_wrong_types_is_refused():
    with pytest.raises(ValueError, match="unknown entries"):
        Scenario.from_json('{"hidden": 4, "layers": 3}')
    with pytest.raises(ValueError, match="whole number"):
        Scenario.from_json('{"hidden": "4"}')
    with pytest.raises(ValueError, match="not valid JSON"):
        Scenario.from_json("{hidden")
    with pytest.raises(ValueError, match="finite"):
        Scenario.from_json('{"forget_bias": NaN}')


def test_parse_reads_a_url_a_query_string_or_json():
    expected = Scenario(task="recall", hidden=4)
    assert Scenario.parse("http://localhost:8501/?task=recall&H=4") == expected
    assert Scenario.parse("?task=recall&H=4") == expected
    assert Scenario.parse(expected.to_json()) == expected


def test_script_in_custom_text_is_kept_as_plain_text():
    s = Scenario(task="text", text="<script>alert(1)</script>")
    assert Scenario.from_query(s.to_query()).text == "<script>alert(1)</script>"


def test_numbers_keep_full_precision_through_the_url():
    s = Scenario(forget_bias=1 / 3, recurrent_scale=math.pi / 2)
    assert Scenario.from_query(s.to_query()) == s


def test_bounds_match_the_documented_limits():
    assert (MAX_STEPS, MAX_HIDDEN, MAX_TEXT_CHARS) == (2000, 64, 5000)


def test_messages_count_in_words_a_student_reads():
    with pytest.raises(ValueError, match="the text has 1 character;"):
        Scenario(weights="random", task="text", text="x")
    with pytest.raises(ValueError, match="is not a valid control to hide;"):
        Scenario(hide=("bogus",))


@pytest.mark.parametrize(("query", "length"), [
    ({"weights": "random", "task": "adding"}, 50),
    ({"weights": "pretrained", "task": "text"}, 31),
    ({"weights": "random", "task": "adding", "T": "80"}, 80),
    ({}, 120),  # the latch preset's own length
])  # fmt: skip
def test_a_link_without_t_takes_its_tasks_own_length(query, length):
    assert Scenario.from_query(query).length == length


@pytest.mark.parametrize("name", sorted(PRESETS))
def test_a_link_naming_only_a_preset_opens_it_as_the_sidebar_does(name):
    """?preset=exploding_rnn opened a random LSTM at T = 120 under the exploding RNN's story."""
    preset = PRESETS[name]
    scenario = Scenario.from_query({"preset": name})
    assert (scenario.model, scenario.length, scenario.step, scenario.unit) == (
        preset.model, preset.length, preset.focus_step, preset.focus_unit)  # fmt: skip
    given = Scenario.from_query({"preset": name, "model": "both", "T": "30", "t": "2"})
    assert (given.model, given.length, given.step) == ("both", 30, 2)  # what a link says, it keeps


def test_unknown_json_entries_are_named_on_one_line():
    with pytest.raises(ValueError, match=r"unknown entries: '\\r', 'colour_of_sky'\.$") as refused:
        Scenario.from_json('{"\\r": null, "colour_of_sky": 1}')
    assert "\r" not in str(refused.value)
