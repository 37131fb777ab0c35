"""Fuzzing what a classroom can throw at lstm_viz: URL query strings, scenario JSON and command lines.

The claim, for every input: the result is a valid scenario inside the hard bounds (T ≤ 2000, H ≤ 64, text ≤ 5000
characters, finite numbers) that round-trips through the URL and JSON, or a ``ValueError`` whose message a
student can read (not empty, not a wall of text, no Python internals). The command line exits 0 or non-zero with
an ``error:`` line, never with a traceback. The sequence parser and the .npz loader have their own fuzz tests
(tests/test_tasks.py, tests/test_fuzz_weights_file.py).

The cases at the end pin the failures this fuzzing found (and that were fixed) as regression tests.
"""

from __future__ import annotations

import contextlib
import io
import json
import math
import os
import subprocess
import sys
import tempfile
from dataclasses import fields
from pathlib import Path
from unittest import mock
from urllib.parse import urlencode

import pytest
from hypothesis import event, example, given, settings
from hypothesis import strategies as st
from hypothesis.errors import InvalidArgument

import lstm_viz.export.pack as pack_module
from lstm_viz.__main__ import main
from lstm_viz.core import LSTMParams, RNNParams
from lstm_viz.scenario import (
    COLOUR_BY,
    FORGET_BIAS_RANGE,
    HIDEABLE,
    MAX_HIDDEN,
    MAX_SEED,
    MAX_STEPS,
    MAX_TEXT_CHARS,
    MODELS,
    RECURRENT_SCALE_RANGE,
    VIEWS,
    WEIGHT_SOURCES,
    Scenario,
    preset_names,
)
from lstm_viz.tasks import TASKS

REPO = Path(__file__).resolve().parent.parent
FIELD_NAMES = tuple(f.name for f in fields(Scenario))
QUERY_KEYS = tuple(Scenario.query_key(name) for name in FIELD_NAMES)
MAX_MESSAGE_CHARS = 1000  # an st.error or a CLI line a student reads, not a dump of what they typed
NOISE = ("Traceback", "object at 0x", "<class '", "<function ", "<built-in", "sys.set_int_max_str_digits")
FUZZ_EXAMPLES = 300  # cheap calls: more examples than the suite's default profile

# --- strategies ---------------------------------------------------------------------------------------------
NUMBER_TEXTS = st.sampled_from([
    "0", "1", "-1", "-0", "2", "7", "64", "65", "1999", "2000", "2001", "4294967295", "4294967296", "1.5", "0.1",
    "-6", "6.0000001", "4", "1e3", "1e999", "-1e999", "1e-400", "nan", "NaN", "-nan", "inf", "-inf", "Infinity",
    "9" * 32, "9" * 33, "1" + "0" * 400, "1_000", "0x10", "٣", "３", "½", " 7 ", "\t8\n", "+3", "true", "yes",
    "off", "", " ",
])  # fmt: skip
CHOICES = st.sampled_from(
    [*MODELS, *WEIGHT_SOURCES, *preset_names(), *TASKS, *VIEWS, *COLOUR_BY, *HIDEABLE, ",".join(HIDEABLE),
     "model,,knobs", "LSTM", "gru", "<script>alert(1)</script>", "../../etc/passwd", "lstm\x00"]
)  # fmt: skip
TYPED_SEQUENCES = st.sampled_from(["1, 2, 3", "0.5 -1 2", "1e6, -1e6", "1e7, 1", "1, nan", "−1, 2", "1", ",,,", "a b"])
LONG_TEXTS = st.builds(lambda char, n: char * n, st.characters(), st.integers(0, 12_000))
PADDED = st.builds(lambda pad, core: pad + core + pad, st.sampled_from([" ", "\u3000", "\n"]).map(lambda c: c * 50),
                   NUMBER_TEXTS)  # fmt: skip
QUERY_TEXT = st.one_of(NUMBER_TEXTS, CHOICES, TYPED_SEQUENCES, st.text(max_size=40), LONG_TEXTS, PADDED)
QUERY_VALUE = st.one_of(QUERY_TEXT, st.lists(QUERY_TEXT, max_size=3))
QUERY_KEY = st.one_of(st.sampled_from(QUERY_KEYS), st.sampled_from(FIELD_NAMES), st.text(max_size=8))
QUERIES = st.dictionaries(QUERY_KEY, QUERY_VALUE, max_size=12)

JSON_SCALARS = st.one_of(
    st.none(), st.booleans(), st.integers(-(10**30), 10**30), st.floats(), NUMBER_TEXTS, CHOICES, st.text(max_size=30)
)
JSON_VALUES = st.recursive(
    JSON_SCALARS, lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=8), inner, max_size=4),
    max_leaves=12,
)  # fmt: skip
FIELD_JSON = st.fixed_dictionaries(
    {}, optional={name: JSON_VALUES | JSON_SCALARS | st.lists(CHOICES, max_size=4) for name in FIELD_NAMES}
)
JSON_DOCUMENTS = st.one_of(FIELD_JSON, JSON_VALUES).map(lambda doc: json.dumps(doc, allow_nan=True))


@st.composite
def valid_scenarios(draw):
    """Scenarios over every task, typed text included (tests/test_scenario.py covers the number tasks)."""
    task = draw(st.sampled_from(tuple(TASKS)))
    text = ""
    if task == "text":
        text = draw(st.text(min_size=2, max_size=200))
    elif task == "custom":
        numbers = draw(st.lists(st.floats(-1e6, 1e6, allow_nan=False), min_size=2, max_size=50))
        text = draw(st.sampled_from([", ", " ", "; ", "\n"])).join(map(repr, numbers))
    return Scenario(
        model=draw(st.sampled_from(MODELS)), weights=draw(st.sampled_from(WEIGHT_SOURCES)), task=task, text=text,
        preset=draw(st.sampled_from(preset_names())), length=draw(st.integers(1, MAX_STEPS)),
        seed=draw(st.integers(0, MAX_SEED)), hidden=draw(st.integers(1, MAX_HIDDEN)),
        forget_bias=draw(st.floats(*FORGET_BIAS_RANGE)), recurrent_scale=draw(st.floats(*RECURRENT_SCALE_RANGE)),
        unit=draw(st.integers(0, MAX_HIDDEN - 1)), step=draw(st.integers(0, MAX_STEPS - 1)),
        view=draw(st.sampled_from(VIEWS)), colour_by=draw(st.sampled_from(COLOUR_BY)),
        presentation=draw(st.booleans()), notes=draw(st.booleans()),
        hide=tuple(draw(st.lists(st.sampled_from(HIDEABLE), max_size=4))),
    )  # fmt: skip


@st.composite
def near_valid_queries(draw):
    """A valid scenario's query with a few values swapped for fuzz: gets past the first refusal to the deeper checks."""
    query = draw(valid_scenarios()).to_query()
    for key in draw(st.lists(st.sampled_from(QUERY_KEYS), max_size=3)):
        query[key] = draw(QUERY_VALUE)
    return query


@st.composite
def near_valid_json(draw):
    """A valid scenario's JSON with a few entries swapped for any JSON value."""
    data = json.loads(draw(valid_scenarios()).to_json())
    for name in draw(st.lists(st.sampled_from(FIELD_NAMES), max_size=3)):
        data[name] = draw(JSON_VALUES | st.lists(CHOICES, max_size=4))
    return json.dumps(data, allow_nan=True)


SCENARIO_TEXTS = st.one_of(
    JSON_DOCUMENTS, near_valid_json(), QUERIES.map(lambda q: urlencode(q, doseq=True)),
    near_valid_queries().map(lambda q: urlencode(q, doseq=True)), st.text(max_size=80),
)  # fmt: skip


# --- the properties ----------------------------------------------------------------------------------------
def assert_clear_message(exc: BaseException) -> None:
    message = str(exc)
    assert message.strip(), f"{type(exc).__name__} with an empty message"
    assert len(message) <= MAX_MESSAGE_CHARS, f"a {len(message):,}-character message: {message[:200]!r}…"
    for noise in NOISE:
        assert noise not in message, message


def assert_within_bounds(s: Scenario) -> None:
    assert isinstance(s.length, int) and 1 <= s.length <= MAX_STEPS
    assert isinstance(s.hidden, int) and 1 <= s.hidden <= MAX_HIDDEN
    assert isinstance(s.text, str) and len(s.text) <= MAX_TEXT_CHARS
    assert isinstance(s.step, int) and 0 <= s.step < s.length
    assert isinstance(s.unit, int) and 0 <= s.unit < MAX_HIDDEN
    assert all(isinstance(v, int) and 0 <= v <= MAX_SEED for v in (s.seed, s.weight_seed))
    for value, (low, high) in ((s.forget_bias, FORGET_BIAS_RANGE), (s.recurrent_scale, RECURRENT_SCALE_RANGE)):
        assert isinstance(value, float) and math.isfinite(value) and low <= value <= high
    assert s.model in MODELS and s.weights in WEIGHT_SOURCES and s.preset in preset_names()
    assert s.task in TASKS and s.view in VIEWS and s.colour_by in COLOUR_BY
    assert isinstance(s.presentation, bool) and isinstance(s.notes, bool)
    assert set(s.hide) <= set(HIDEABLE) and len(set(s.hide)) == len(s.hide)


def assert_round_trips(s: Scenario) -> None:
    assert Scenario.from_query(s.to_query()) == s
    assert Scenario.from_json(s.to_json()) == s
    assert Scenario.parse(urlencode(s.to_query())) == s  # what the export README's command line and the app's URL hold
    s.to_json().encode("utf-8")  # what a pack's scenario.json holds


def _event(name: str) -> None:
    """Count the outcome in hypothesis' statistics; outside a hypothesis test there is nothing to count."""
    with contextlib.suppress(InvalidArgument):
        event(name)


def outcome(parse, value) -> Scenario | None:
    """``parse(value)``: a valid, round-tripping scenario, or None after a clear ValueError; anything else fails."""
    try:
        scenario = parse(value)
    except ValueError as exc:
        _event("refused")
        assert_clear_message(exc)
        return None
    _event("accepted")
    assert_within_bounds(scenario)
    assert_round_trips(scenario)
    return scenario


@settings(max_examples=FUZZ_EXAMPLES)
@given(st.one_of(QUERIES, near_valid_queries()))
@example({"T": "1e999", "H": "nan", "fbias": "inf", "rscale": "-1e999"})
@example({"T": ["5", "2001"], "t": [], "H": ["64"]})
@example({"weights": "random", "task": "custom", "text": "1, 2, 3", "T": "2000", "t": "1999"})
@example({"weights": "random", "task": "text", "text": "日本語のテキスト🙂", "H": "64", "unit": "63"})
@example({"task": "custom", "weights": "random", "text": "9" * 6000})
def test_any_query_gives_a_bounded_scenario_or_a_clear_error(query):
    outcome(Scenario.from_query, query)


@settings(max_examples=FUZZ_EXAMPLES)
@given(st.one_of(JSON_DOCUMENTS, near_valid_json()))
@example('{"hidden": 1e308, "length": -0.0}')
@example('{"forget_bias": NaN}')
@example('{"hide": [[], {}], "text": null}')
@example('{"weights": "random", "task": "text", "text": "ab", "length": 2000}')
def test_any_json_gives_a_bounded_scenario_or_a_clear_error(text):
    outcome(Scenario.from_json, text)


@settings(max_examples=FUZZ_EXAMPLES)
@given(SCENARIO_TEXTS)
@example("http://[::1")
@example("?&&==;;%ZZ")
@example("")
def test_any_scenario_text_as_the_cli_reads_it_is_a_scenario_or_a_clear_error(text):
    outcome(Scenario.parse, text)


@settings(max_examples=FUZZ_EXAMPLES)
@given(valid_scenarios())
def test_a_valid_scenario_round_trips_through_the_url_and_json(s):
    assert_within_bounds(s)
    assert_round_trips(s)


# --- the command line -----------------------------------------------------------------------------------------
class FakePackWriter:
    """Stands in for write_lecture_pack: the fuzz is about reading arguments, not about rendering 18 files."""

    def __init__(self):
        self.calls = []

    def __call__(self, scenario, out, **kwargs):
        assert isinstance(scenario, Scenario)
        assert_within_bounds(scenario)
        self.calls.append((scenario, Path(out), kwargs))
        return [Path(out) / "README.md"]


@pytest.fixture(scope="module")
def cli_files():
    """A scratch directory (the fuzzed CLI's working directory) with scenario and weights files to point at."""
    with tempfile.TemporaryDirectory(prefix="lstm-viz-cli-fuzz-") as folder:
        root = Path(folder)
        (root / "good.json").write_text(Scenario(weights="random", task="sine", hidden=3).to_json(), encoding="utf-8")
        (root / "bad.json").write_text('{"hidden": 4, "layers": 3}', encoding="utf-8")
        (root / "latin1.json").write_bytes(b'{"text": "caf\xe9"}')
        (root / "folder.json").mkdir()
        (root / "a-file").write_text("not a directory")
        LSTMParams.init(2, 3, seed=1).save(root / "lstm.npz")
        RNNParams.init(1, 2, seed=1).save(root / "rnn.npz")
        (root / "broken.npz").write_bytes(b"not a zip")
        yield root


def option_values(root: Path):
    scenarios = st.one_of(
        st.sampled_from(["task=adding&T=20", "weights=upload&task=adding", "?H=65", "{}", '{"hidden": 4}',
                         "http://localhost:8501/?task=recall&H=4", "good.json", "bad.json", "latin1.json",
                         "folder.json", "missing.json", str(root / "good.json"), "", " "]),
        SCENARIO_TEXTS,
    )  # fmt: skip
    relative_dirs = st.text(st.characters(exclude_characters="/\x00", exclude_categories=("Cs",)), min_size=1,
                            max_size=12).filter(lambda name: name not in (".", ".."))  # fmt: skip
    outs = st.one_of(st.sampled_from(["out", "out/nested/deeper", "a-file", "a-file/below", "", ".", "/proc/lstm",
                                      str(root / "abs-out"), "ütf-8 ✓"]), relative_dirs)  # fmt: skip
    return {
        "--scenario": scenarios,
        "--out": outs,
        "--formats": st.sampled_from(["svg,png,pdf,html", "html", "HTML, svg", "gif", ",", "", "svg,,png", "pdf;png"]),
        "--scale": NUMBER_TEXTS,
        "--dpi": NUMBER_TEXTS,
        "--gif-frames": NUMBER_TEXTS,
        "--weights": st.sampled_from(["lstm.npz", "rnn.npz", "broken.npz", "missing.npz", "folder.json", ""]),
    }


@st.composite
def command_lines(draw, root: Path):
    """Mostly well-formed ``export`` command lines with fuzzed values, or any jumble of their tokens."""
    values = option_values(root)
    flags = ["--zip", "--quiet", "-h", "--help", "--", "-", "--sc", "--formats=html", "--out=", "--unknown"]
    if draw(st.booleans()):
        argv = ["export", "--scenario", draw(values["--scenario"]), "--out", draw(values["--out"])]
        for option in draw(st.lists(st.sampled_from([*values, "--zip", "--quiet"]), unique=True, max_size=3)):
            argv += [option] if option.startswith("--z") or option.startswith("--q") else [option, draw(values[option])]
        return argv
    token = st.one_of(st.sampled_from(["export", "import", *values, *flags]), *values.values(), st.text(max_size=10))
    return draw(st.lists(token, max_size=10))


def run_main(argv) -> tuple[int, str, str]:
    """``main(argv)`` in-process: (exit code, stdout, stderr); an exception escaping main fails the test."""
    out, err = io.StringIO(), io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        try:
            code = main(argv)
        except SystemExit as stop:  # argparse's own exits: 0 for --help, 2 for usage errors
            code = stop.code
    return code, out.getvalue(), err.getvalue()


def assert_cli_outcome(argv, code, stdout, stderr, writer: FakePackWriter) -> None:
    assert isinstance(code, int), (argv, code)
    for noise in NOISE:
        assert noise not in stderr + stdout, (argv, stderr)
    if code == 0:
        assert writer.calls or "usage:" in stdout, (argv, stdout, stderr)  # an export, or the help asked for
        return
    lines = [line for line in stderr.splitlines() if line.strip()]
    assert lines and "error:" in lines[-1], (argv, stderr)
    assert len(lines[-1].split("error:", 1)[1].strip()) > 3, (argv, stderr)
    assert not writer.calls, (argv, "exported and still failed")


@contextlib.contextmanager
def fake_export(root: Path):
    """The CLI with write_lecture_pack faked, run from ``root`` (so relative --out folders land there)."""
    writer = FakePackWriter()
    with mock.patch.object(pack_module, "write_lecture_pack", writer), contextlib.chdir(root):
        yield writer


@settings(max_examples=FUZZ_EXAMPLES)
@given(argv=st.data())
@example(argv=["export", "--scenario", "task=adding&T=20", "--out", "out", "--formats", "html"])
@example(argv=["export", "--scenario", "good.json", "--out", "out", "--zip", "--dpi", "300"])
@example(argv=["export", "--scenario", "weights=upload&task=adding", "--out", "out", "--weights", "lstm.npz"])
@example(argv=["export", "--scenario", "task=adding", "--out", "out", "--scale", "nan"])
@example(argv=["export", "--scenario", "task=adding", "--out", "out", "--gif-frames", "1"])
@example(argv=["export", "--scenario", "latin1.json", "--out", "out"])
@example(argv=["export", "--scenario", "task=adding", "--out", "a-file"])
@example(argv=[])
def test_the_fuzzed_command_line_exits_cleanly(cli_files, argv):
    if not isinstance(argv, list):
        argv = argv.draw(command_lines(cli_files), label="argv")
    with fake_export(cli_files) as writer:
        code, stdout, stderr = run_main(argv)
    event(f"exit status {code}")
    assert_cli_outcome(argv, code, stdout, stderr, writer)


def test_a_well_formed_command_line_reaches_the_export_with_its_scenario(cli_files):
    argv = ["export", "--scenario", "weights=random&task=recall&H=5&t=3", "--out", str(cli_files / "ok"),
            "--formats", "html,svg", "--zip", "--scale", "1", "--gif-frames", "4", "--quiet"]  # fmt: skip
    with fake_export(cli_files) as writer:
        code, _, stderr = run_main(argv)
    assert code == 0, stderr
    ((scenario, out, options),) = writer.calls
    assert (scenario.task, scenario.hidden, scenario.step, out) == ("recall", 5, 3, cli_files / "ok")
    assert options["as_zip"] and options["options"].formats == ("svg", "html")


def run_cli(*args, timeout: float = 120) -> subprocess.CompletedProcess:
    environment = {**os.environ, "PYTHONPATH": str(REPO)}
    command = [sys.executable, "-m", "lstm_viz", *args]
    return subprocess.run(command, capture_output=True, cwd=REPO, env=environment, timeout=timeout)


@pytest.mark.parametrize(
    ("args", "code", "words"),
    [
        ([], 2, "required: COMMAND"),
        (["--help"], 0, "usage:"),
        (["export"], 2, "required"),
        (["export", "--scenario", "T=2001", "--out", "{tmp}"], 2, "between 1 and 2000"),
        (["export", "--scenario", '{"hidden": "4"}', "--out", "{tmp}"], 2, "whole number"),
        (["export", "--scenario", "task=adding", "--out", "{tmp}", "--dpi", "-3"], 2, "dpi must be"),
    ],
)
def test_the_real_command_line_refuses_cleanly(tmp_path, args, code, words):
    result = run_cli(*(arg.replace("{tmp}", str(tmp_path / "out")) for arg in args))
    output = (result.stdout + result.stderr).decode()
    assert result.returncode == code, output
    assert words in output and "Traceback" not in output


# --- regressions: what this fuzzing found (refused plainly since scenario.py was fixed) ---------------------
DEEP_JSON = '{"hide": ' + "[" * 5000 + "]" * 5000 + "}"  # 5000 levels: past the interpreter's recursion limit


def test_deeply_nested_json_is_refused_with_a_message():
    outcome(Scenario.from_json, DEEP_JSON)


def test_the_cli_refuses_deeply_nested_json_without_a_traceback(tmp_path):
    result = run_cli("export", "--scenario", DEEP_JSON, "--out", str(tmp_path / "out"), "--formats", "html")
    stderr = result.stderr.decode()
    assert result.returncode == 2 and "Traceback" not in stderr, stderr


def test_a_huge_json_integer_is_refused_in_plain_words():
    outcome(Scenario.from_json, '{"hidden": 1' + "0" * 5000 + "}")


def test_a_padded_number_is_refused_with_a_short_message():
    outcome(Scenario.from_query, {"H": " " * 100_000 + "x"})


@given(st.text(st.characters(min_codepoint=0xD800, max_codepoint=0xDFFF), min_size=1, max_size=3))
def test_text_that_is_not_unicode_is_refused(surrogates):
    outcome(Scenario.from_json, json.dumps({"weights": "random", "task": "text", "text": "ab" + surrogates}))


def test_the_cli_refuses_an_undecodable_byte_in_the_typed_text(tmp_path):
    scenario = os.fsencode("weights=random&task=text&text=ab") + b"\xff" + b"cd"  # argv as a shell passes it
    command = [sys.executable.encode(), b"-m", b"lstm_viz", b"export", b"--scenario", scenario,
               b"--out", os.fsencode(tmp_path / "out"), b"--formats", b"html", b"--quiet"]  # fmt: skip
    result = subprocess.run(command, capture_output=True, cwd=REPO, timeout=300,
                            env={**os.environ, "PYTHONPATH": str(REPO)})  # fmt: skip
    stderr = result.stderr.decode(errors="replace")
    assert result.returncode == 2 and "Traceback" not in stderr, stderr
