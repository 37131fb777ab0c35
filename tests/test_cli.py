"""``python -m lstm_viz export`` end to end, in a subprocess as a teacher would run it, and its refusals."""

from __future__ import annotations

import io
import os
import subprocess
import sys
import zipfile
from pathlib import Path

import numpy as np
import pytest
from export_checks import assert_not_blank, gif_frames, needs_browser, png_size, svg_root, svg_text

from lstm_viz.__main__ import main
from lstm_viz.scenario import Scenario

REPO = Path(__file__).resolve().parent.parent
FAST = ["--formats", "svg,png,html", "--gif-frames", "3", "--scale", "1"]


def run_cli(*args: str, env: dict | None = None, timeout: float = 180) -> subprocess.CompletedProcess:
    environment = {**os.environ, "PYTHONPATH": str(REPO), **(env or {})}
    return subprocess.run([sys.executable, "-m", "lstm_viz", *args], capture_output=True, text=True, cwd=REPO,
                          env=environment, timeout=timeout)  # fmt: skip


def read_pack(out: Path, zipped: bool) -> dict[str, bytes]:
    """{relative path: bytes} of a pack written as files, or as the single .zip in ``out``."""
    if not zipped:
        return {p.relative_to(out).as_posix(): p.read_bytes() for p in out.rglob("*") if p.is_file()}
    (archive,) = out.glob("*.zip")
    with zipfile.ZipFile(archive) as pack:
        return {name.split("/", 1)[1]: pack.read(name) for name in pack.namelist()}


@needs_browser
@pytest.mark.browser
@pytest.mark.parametrize(
    ("scenario", "zipped", "figures"),
    [
        ("weights=preset&preset=counter&T=12&model=lstm&t=3", False,
         ["cell-diagram", "conveyor-belt", "gradient-flow"]),
        ('{"weights": "random", "task": "text", "text": "to be or not", "hidden": 4, "model": "both"}', True,
         ["gate-bars-rnn", "heatmaps-rnn", "text-heat", "connectivity"]),
    ],
    ids=["preset-query-to-files", "text-json-file-to-zip"],
)  # fmt: skip
def test_export_writes_the_whole_pack(tmp_path, scenario, zipped, figures):
    out = tmp_path / "pack"
    scenario_arg = scenario
    if scenario.startswith("{"):
        scenario_arg = str(tmp_path / "scenario.json")
        Path(scenario_arg).write_text(scenario)
    result = run_cli("export", "--scenario", scenario_arg, "--out", str(out), *FAST, *(["--zip"] if zipped else []))
    assert result.returncode == 0, result.stderr
    assert "] " in result.stderr and "lstm_viz: wrote" in result.stderr  # the progress bar, then the summary
    files = read_pack(out, zipped)
    for name in figures:
        png = files[f"figures/{name}.png"]
        assert png_size(png)[0] == 1280
        assert_not_blank(png)
        assert svg_text(svg_root(files[f"figures/{name}.svg"]))
        assert b"plotly.min.js" in files[f"figures/{name}.html"]
    assert "figures/plotly.min.js" in files and not [name for name in files if name.endswith(".pdf")]
    assert gif_frames(files["animation/conveyor-belt.gif"])[0] == 3
    expected = Scenario.parse(scenario)
    assert Scenario.from_json(files["scenario.json"].decode()) == expected
    readme = files["README.md"].decode()
    assert "python -m lstm_viz export --scenario" in readme and "--formats svg,png,html" in readme
    with np.load(io.BytesIO(files["data/lesson.npz"]), allow_pickle=False) as archive:
        assert Scenario.from_json(str(archive["scenario_json"])) == expected
    assert not [p for p in out.rglob("*") if p.name.startswith(".")], "temporary files left behind"


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["export", "--out", "x"], "--scenario"),
        (["export", "--scenario", "T=abc", "--out", "{tmp}"], "T='abc' is not a whole number"),
        (["export", "--scenario", "model=gru", "--out", "{tmp}"], "'gru' is not a valid model"),
        (["export", "--scenario", "{not json", "--out", "{tmp}"], "not valid JSON"),
        (["export", "--scenario", "missing.json", "--out", "{tmp}"], "cannot read the scenario file"),
        (["export", "--scenario", "T=20", "--out", "{tmp}", "--formats", "svg,gif"], "unknown format 'gif'"),
        (["export", "--scenario", "T=20", "--out", "{tmp}/a-file"], "is a file"),
        (["export", "--scenario", "T=20", "--out", "{tmp}/a-file/sub"], "cannot write to"),
        (["export", "--scenario", "T=20", "--out", "{tmp}", "--scale", "0"], "scale must be"),
        (["export", "--scenario", "T=20", "--out", "{tmp}", "--scale", "2", "--dpi", "300"], "not allowed with"),
        (["export", "--scenario", "weights=upload", "--out", "{tmp}"], "--weights"),
        (["export", "--scenario", "T=20", "--out", "{tmp}", "--weights", "{tmp}/a-file"], "not a NumPy .npz"),
        (["frobnicate"], "invalid choice"),
    ],
    ids=["no-scenario", "bad-number", "bad-model", "bad-json", "missing-file", "bad-format", "out-is-a-file",
         "out-unwritable", "bad-scale", "scale-and-dpi", "upload-needs-weights", "bad-weights", "bad-command"],
)  # fmt: skip
def test_bad_input_exits_non_zero_with_a_message(tmp_path, capsys, monkeypatch, args, message):
    monkeypatch.chdir(tmp_path)
    (tmp_path / "a-file").write_text("not a directory, not weights")
    with pytest.raises(SystemExit) as stopped:
        main([a.replace("{tmp}", str(tmp_path)) for a in args])
    assert stopped.value.code == 2
    assert message in capsys.readouterr().err
    assert [p.name for p in tmp_path.iterdir()] == ["a-file"]  # nothing written


def test_a_bad_scenario_stops_the_real_process_with_status_2(tmp_path):
    result = run_cli("export", "--scenario", "T=-5", "--out", str(tmp_path / "never-created"), timeout=60)
    assert result.returncode == 2
    assert "the length T must be between 1 and" in result.stderr and "Traceback" not in result.stderr
    assert not (tmp_path / "never-created").exists()


def test_without_a_browser_static_formats_fail_plainly_and_html_still_works(tmp_path, capsys, monkeypatch):
    monkeypatch.setenv("BROWSER_PATH", "/nonexistent/chromium")
    scenario = "weights=random&task=adding&T=6&H=2"
    assert main(["export", "--scenario", scenario, "--out", str(tmp_path / "a"), "--formats", "png"]) == 3
    refused = capsys.readouterr().err
    assert "Chrome or Chromium" in refused and "--formats html" in refused
    assert not list((tmp_path / "a").iterdir())
    assert main(["export", "--scenario", scenario, "--out", str(tmp_path / "b"), "--formats", "html", "--quiet"]) == 0
    assert (tmp_path / "b" / "figures" / "cell-diagram.html").is_file()
    assert (tmp_path / "b" / "animation" / "conveyor-belt.html").is_file()
    assert not (tmp_path / "b" / "animation" / "conveyor-belt.gif").exists()
    assert "Not included: GIF" in (tmp_path / "b" / "README.md").read_text()
