"""The lecture pack: every figure of a scenario (SVG, PNG, PDF, HTML), the conveyor-belt animation (GIF and a
self-playing page), the data (CSV, .npz) and a README saying how to regenerate any of it.

    files = lecture_pack_files(scenario)            # {"README.md": b"...", "figures/cell-diagram.png": ..., ...}
    lecture_pack_zip(scenario)                      # the same, as one .zip (bytes): the app's one-click button
    write_lecture_pack(scenario, "out/")            # the same, written into a directory (the CLI)

All static images of one pack come from one browser session (one :class:`StaticRenderer`).
"""

from __future__ import annotations

import io
import shlex
import tempfile
import time
import zipfile
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlencode

from .. import __version__
from ..figures.theme import LOOKS, current_mode
from ..lesson import MODEL_LABELS, Lesson, build_lesson
from ..scenario import Scenario
from .analyses import analyse
from .animation import GIF_MAX_FRAMES, gif_from_pngs, gif_jobs
from .data import lesson_csvs, lesson_npz
from .files import check_writable_dir, write_atomic, write_tree
from .html import PLOTLY_JS_NAME, animation_html, figure_html, plotly_js_bytes, safe_filename
from .lesson_figures import ANIMATED, figure_makers, figure_note, lesson_equations, shown_models
from .prepare import EXPORT_HEIGHT, EXPORT_WIDTH, static_spec
from .static import (
    PNG_SCALE,
    PendingImages,
    StaticExportUnavailable,
    StaticRenderer,
    png_scale,
    shared_renderer,
    static_export_available,
    with_png_dpi,
)

FIGURE_FORMATS = ("svg", "png", "pdf", "html")
STATIC_FORMATS = ("svg", "png", "pdf")
APP_URL = "http://localhost:8501/"  # where `streamlit run app.py` serves the app by default
PACK_TABS = 2  # browser tabs (renderer processes) for a one-off pack: both cores of a classroom machine work
MIN_HEIGHT, MAX_HEIGHT = 300, 4000  # px: the range a figure may ask for itself
COMPRESSED = (".png", ".gif", ".npz", ".pdf")  # stored as they are in the zip: deflating them again gains nothing

Progress = Callable[[int, int, str], None]  # (steps done, steps in all, what was just done)


@dataclass(frozen=True)
class PackOptions:
    """What goes into a pack. formats: figure formats; scale: PNG scale (2 → 2560×1440), or dpi (scale = dpi/96,
    recorded in the PNGs); gif_frames: at most this many GIF frames."""

    formats: tuple[str, ...] = FIGURE_FORMATS
    scale: float = PNG_SCALE
    dpi: float | None = None
    width: int = EXPORT_WIDTH
    height: int = EXPORT_HEIGHT
    gif_frames: int = GIF_MAX_FRAMES
    require_static: bool = True  # False: without a browser, leave the static files out (and say so) instead of failing

    def __post_init__(self):
        object.__setattr__(self, "formats", parse_formats(self.formats))
        object.__setattr__(self, "scale", png_scale(self.scale, self.dpi))
        if isinstance(self.gif_frames, bool) or not isinstance(self.gif_frames, int) or self.gif_frames < 2:
            raise ValueError(f"gif_frames must be a whole number >= 2, got {self.gif_frames!r}.")


def parse_formats(formats: str | Iterable[str]) -> tuple[str, ...]:
    """Formats as "svg,png" or ["svg", "png"] -> ("svg", "png") in canonical order; ValueError naming a bad one."""
    items = formats.split(",") if isinstance(formats, str) else list(formats)
    items = [str(item).strip().lower() for item in items if str(item).strip()]
    unknown = [item for item in items if item not in FIGURE_FORMATS]
    if unknown:
        raise ValueError(f"unknown format {unknown[0]!r}; choose from: {', '.join(FIGURE_FORMATS)}.")
    if not items:
        raise ValueError(f"give at least one format from: {', '.join(FIGURE_FORMATS)}.")
    return tuple(f for f in FIGURE_FORMATS if f in items)


def pack_name(scenario: Scenario, lesson: Lesson) -> str:
    """A file-name-safe name for the pack: "lstm-viz-latch-lstm-T120"."""
    source = scenario.preset if scenario.weights == "preset" else f"{scenario.task}-{scenario.weights}"
    return safe_filename(f"lstm-viz-{source}-{scenario.model}-T{lesson.steps}")


def figure_filename(scenario: Scenario, lesson: Lesson, name: str, ext: str) -> str:
    """A download name for one figure of the scenario: "lstm-viz-latch-lstm-T120-cell-diagram.png"."""
    return f"{pack_name(scenario, lesson)}-{safe_filename(name)}.{ext}"


def scenario_query(scenario: Scenario) -> str:
    """The URL query string of the scenario ("model=lstm&weights=preset&..."), as the app reads it."""
    return urlencode(scenario.to_query())


def cli_command(scenario: Scenario, options: PackOptions, weights_file: str | None = None) -> str:
    """The shell command that regenerates the pack."""
    parts = ["python", "-m", "lstm_viz", "export", "--scenario", scenario_query(scenario), "--out", "lecture-pack",
             "--formats", ",".join(options.formats)]  # fmt: skip
    if options.dpi is not None:
        parts += ["--dpi", f"{options.dpi:g}"]
    elif options.scale != PNG_SCALE:
        parts += ["--scale", f"{options.scale:g}"]
    if options.gif_frames != GIF_MAX_FRAMES:
        parts += ["--gif-frames", str(options.gif_frames)]
    if weights_file:
        parts += ["--weights", weights_file]
    return shlex.join(parts)


class _Steps:
    """Counts the pack's steps for a progress callback."""

    def __init__(self, total: int, progress: Progress | None):
        self.done, self.total, self.progress = 0, total, progress

    def __call__(self, label: str) -> None:
        self.done += 1
        if self.progress is not None:
            self.progress(min(self.done, self.total), self.total, label)


def lecture_pack_files(scenario: Scenario, *, lesson: Lesson | None = None, uploaded=None,
                       options: PackOptions | None = None, renderer: StaticRenderer | None = None,
                       progress: Progress | None = None) -> dict[str, bytes]:  # fmt: skip
    """Every file of the pack, ``{relative path: bytes}``, README.md first.

    lesson: the scenario's lesson when already built (the app's cached one); uploaded: the LSTMParams or
    RNNParams of a ``weights="upload"`` scenario, as uploaded (the pack keeps a copy in ``weights/``);
    renderer: the browser session for static files (default: the shared one); progress(done, total, label).
    Raises StaticExportUnavailable when static formats are asked for, no browser exists and
    ``options.require_static`` is set.
    """
    options = options or PackOptions()
    static_formats = [f for f in options.formats if f in STATIC_FORMATS]
    available, reason = static_export_available()
    if static_formats and not available and options.require_static:
        raise StaticExportUnavailable(reason)
    use_static = available
    skipped = [] if available else [*static_formats, "gif"]

    lesson = lesson or build_lesson(scenario, uploaded)
    analyses = analyse(lesson)
    makers = figure_makers(lesson, scenario, mode="print", analyses=analyses)
    animated = ANIMATED in makers
    steps = _Steps(1 + len(makers) + animated + 1, progress)
    steps("lesson computed")
    renderer = renderer or (shared_renderer() if use_static else None)
    static = static_formats if use_static else []

    # The browser renders while Python builds the next figure and the data: images are submitted as soon
    # as a figure exists and collected at the end.
    files: dict[str, bytes] = {}
    pending: list[tuple[str, list[str], PendingImages]] = []
    gif: PendingImages | None = None
    try:
        for name, make in makers.items():
            fig = make()
            if static:
                jobs = [(static_spec(fig, mode=None), fmt) for fmt in static]
                images = renderer.submit(jobs, width=options.width, height=export_height(fig, options.height),
                                         scale=options.scale)  # fmt: skip
                pending.append((f"figure {name}", [f"figures/{name}.{fmt}" for fmt in static], images))
            if "html" in options.formats:
                files[f"figures/{name}.html"] = figure_html(fig, mode=None, filename=name, plotly_js="directory")
            if name == ANIMATED:
                files[f"animation/{ANIMATED}.html"] = animation_html(fig, mode=None, filename=ANIMATED)
                if use_static:
                    frames = gif_jobs(fig, mode=None, max_frames=options.gif_frames)
                    gif = renderer.submit(frames, width=options.width, height=options.height)
            if not static:
                steps(f"figure {name}")
        if "html" in options.formats:
            files[f"figures/{PLOTLY_JS_NAME}"] = plotly_js_bytes()
        files["equations.md"] = lesson_equations(lesson, scenario).encode("utf-8")
        files.update({f"data/{name}": data for name, data in lesson_csvs(lesson, analyses).items()})
        files["data/lesson.npz"] = lesson_npz(lesson, scenario, analyses)
        for label, paths, images in pending:
            for path, image in zip(paths, images.result(), strict=True):
                files[path] = with_png_dpi(image, options.dpi) if options.dpi and path.endswith(".png") else image
            steps(label)
        if gif is not None:
            files[f"animation/{ANIMATED}.gif"] = gif_from_pngs(gif.result())
        if animated:
            steps("animation GIF")
    except BaseException:
        for _, _, images in pending:
            images.cancel()
        if gif is not None:
            gif.cancel()
        raise
    weights_file = None
    if scenario.weights == "upload" and uploaded is not None:
        weights_file, files[weights_file] = _weights_file(uploaded)
    files["scenario.json"] = (scenario.to_json() + "\n").encode("utf-8")
    files = _in_order(files, list(makers))
    readme = pack_readme(scenario, lesson, files, options, skipped, reason, weights_file)
    steps("data written")
    return {"README.md": readme.encode("utf-8"), **files}


def _in_order(files: dict[str, bytes], figures: list[str]) -> dict[str, bytes]:
    """The pack's files in reading order: each figure in every format, the animation, then the rest."""
    first = [f"figures/{name}.{fmt}" for name in figures for fmt in FIGURE_FORMATS]
    first += [f"figures/{PLOTLY_JS_NAME}", f"animation/{ANIMATED}.gif", f"animation/{ANIMATED}.html", "equations.md"]
    ordered = {name: files[name] for name in first if name in files}
    return {**ordered, **{name: data for name, data in files.items() if name not in ordered}}


def export_height(fig, default: int) -> int:
    """``default``, or the height a figure asks for itself (the coloured text grows with its lines), in the
    figure's theme: builders size figures for the screen theme, whose text is smaller."""
    if fig.layout.height is None:
        return default
    mode = current_mode(fig) or "screen"
    return min(max(round(fig.layout.height * LOOKS[mode].base / LOOKS["screen"].base), MIN_HEIGHT), MAX_HEIGHT)


def _weights_file(uploaded) -> tuple[str, bytes]:
    """The uploaded weights as they were uploaded (before the knobs), so the scenario can be regenerated."""
    with tempfile.TemporaryDirectory() as folder:
        path = uploaded.save(Path(folder) / "weights.npz")
        return f"weights/uploaded-{uploaded.kind}.npz", path.read_bytes()


def lecture_pack_zip(scenario: Scenario, *, lesson: Lesson | None = None, uploaded=None, **kwargs) -> bytes:
    """The lecture pack as one .zip (bytes), every file under a folder named after the scenario.

    Keyword arguments as :func:`lecture_pack_files`.
    """
    lesson = lesson or build_lesson(scenario, uploaded)
    files = lecture_pack_files(scenario, lesson=lesson, uploaded=uploaded, **kwargs)
    return zip_bytes(files, pack_name(scenario, lesson))


def zip_bytes(files: dict[str, bytes], folder: str) -> bytes:
    """``files`` as a zip, under ``folder/``; already-compressed formats are stored, text is deflated."""
    out = io.BytesIO()
    stamp = time.localtime()[:6]
    with zipfile.ZipFile(out, "w") as archive:
        for name, data in files.items():
            info = zipfile.ZipInfo(f"{folder}/{name}", date_time=stamp)
            info.compress_type = zipfile.ZIP_STORED if name.endswith(COMPRESSED) else zipfile.ZIP_DEFLATED
            info.external_attr = 0o644 << 16
            archive.writestr(info, data)
    return out.getvalue()


def write_lecture_pack(scenario: Scenario, out: str | Path, *, as_zip: bool = False, **kwargs) -> list[Path]:
    """Build the pack and write it under ``out`` (files, or one ``<name>.zip`` with ``as_zip``); returns the paths.

    ``out`` is checked (created if missing) before any work; files appear only when complete.
    """
    out = check_writable_dir(out)
    lesson = kwargs.pop("lesson", None) or build_lesson(scenario, kwargs.get("uploaded"))
    files = lecture_pack_files(scenario, lesson=lesson, **kwargs)
    if as_zip:
        name = pack_name(scenario, lesson)
        return [write_atomic(out / f"{name}.zip", zip_bytes(files, name))]
    return write_tree(out, files)


# --- README ---------------------------------------------------------------------------------------------
FORMAT_NOTES = {
    "svg": "vector, for slides and LaTeX",
    "png": "image",
    "pdf": "one page",
    "html": "interactive: hover for exact values; keep `plotly.min.js` beside it (works offline)",
}
OTHER_FILES = {
    "README.md": "this file",
    "scenario.json": "the scenario (regenerate with `--scenario scenario.json`)",
    "equations.md": "the live equations at step t with this step's numbers (LaTeX in Markdown)",
    f"animation/{ANIMATED}.gif": "the conveyor belt as an animated GIF (for slides)",
    f"animation/{ANIMATED}.html": "the conveyor belt, playing as soon as it opens (standalone, works offline)",
    "data/lesson.npz": "every array: scenario, inputs, parameters, traces, gradients (see below)",
}


def pack_readme(scenario: Scenario, lesson: Lesson, files: dict[str, bytes], options: PackOptions, skipped,
                reason: str, weights_file: str | None) -> str:  # fmt: skip
    """The pack's README.md: what scenario this is, how to regenerate it, what every file is."""
    s = scenario
    models = shown_models(s)
    source = f"preset **{s.preset}** (hand-set weights and their own input sequence)" if s.weights == "preset" else (
        f"task **{s.task}**, weights **{s.weights}**")  # fmt: skip
    rows = [
        ("model shown", " and ".join(MODEL_LABELS[m] for m in models) + f" (`model={s.model}`)"),
        ("lesson", f"{lesson.title}: {source}"),
        ("weights", "; ".join(f"{MODEL_LABELS[m]}: {lesson.sources[m]}" for m in ("lstm", "rnn"))),
        ("sequence", f"T = {lesson.steps} step{'s' * (lesson.steps != 1)}"
         + ("" if s.weights == "preset" else f", sequence seed {s.seed}")
         + (f", typed text {s.text!r}" if s.text else "")),
        ("hidden size", f"H = {lesson.hidden_size('lstm')}"
         + ("" if s.weights != "random" else f", weight seed {s.weight_seed}")),
        ("knobs", f"forget-gate bias {s.forget_bias:+g} (added to b_f); "
                  f"recurrent scale × {s.recurrent_scale:g} (multiplies W_hh)"),
        ("focus", f"step t = {s.step}, unit {s.unit}; text coloured by {s.colour_by}"),
    ]  # fmt: skip
    lines = [
        f"# Lecture pack: {lesson.title}",
        "",
        f"Made by lstm_viz {__version__} on {time.strftime('%Y-%m-%d %H:%M')}. Every file here is computed from the "
        "scenario below, so any figure can be regenerated exactly.",
        "",
        "## Scenario",
        "",
        "| | |",
        "|---|---|",
        *(f"| {key} | {value} |" for key, value in rows),
        "",
        lesson.story,
        "",
        "## Regenerate",
        "",
        "The whole pack, from a shell in the lstm_viz repository:",
        "",
        "```bash",
        cli_command(s, options, weights_file),
        "```",
        "",
        f"The same scenario in the app (`streamlit run app.py`): {APP_URL}?{scenario_query(s)}",
        "",
        "In Python (a notebook):",
        "",
        "```python",
        *_python_snippet(s, weights_file),
        "```",
        "",
        "`scenario.json` holds the same scenario as JSON: `--scenario scenario.json` works too.",
    ]
    if weights_file:
        lines += ["", f"This scenario uses uploaded weights: they are in `{weights_file}`; upload that file in the "
                  "app, or pass it to the command above with `--weights`."]  # fmt: skip
    if skipped:
        lines += ["", f"**Not included: {', '.join(skipped).upper()}.** {reason}"]
    lines += ["", "## Files", "", *_file_list(files), ""]
    lines += ["## The data", "", "```text", _data_doc(), "```", ""]
    return "\n".join(lines)


def _python_snippet(scenario: Scenario, weights_file: str | None) -> list[str]:
    lines = ["from lstm_viz.scenario import Scenario", "from lstm_viz.lesson import build_lesson",
             "from lstm_viz.export import lesson_figures", ""]  # fmt: skip
    uploaded = ""
    if weights_file:
        kind = "LSTMParams" if "lstm" in Path(weights_file).stem else "RNNParams"
        lines[:0] = [f"from lstm_viz.core import {kind}"]
        lines.append(f"uploaded = {kind}.load({weights_file!r})")
        uploaded = ", uploaded"
    lines.append(f"scenario = Scenario.parse({scenario_query(scenario)!r})")
    lines.append(f"figures = lesson_figures(build_lesson(scenario{uploaded}), scenario)   # name -> plotly Figure")
    return lines


def _file_list(files: dict[str, bytes]) -> list[str]:
    """Markdown bullets: the figures (one line each, with their formats), then every other file."""
    figures: dict[str, list[str]] = {}
    for name in files:
        if name.startswith("figures/") and not name.endswith(".js"):
            stem, fmt = name.removeprefix("figures/").rsplit(".", 1)
            figures.setdefault(stem, []).append(fmt)
    lines = []
    if figures:
        formats = sorted({fmt for fmts in figures.values() for fmt in fmts}, key=FIGURE_FORMATS.index)
        suffix = formats[0] if len(formats) == 1 else "{" + ",".join(formats) + "}"
        notes = "; ".join(f"{fmt}: {FORMAT_NOTES[fmt]}" for fmt in formats)
        lines.append(f"- `figures/<name>.{suffix}`: every figure at slide size, 1280×720 px ({notes})")
        lines += [f"  - `{stem}`: {figure_note(stem)}" for stem in figures]
    for name in ("README.md", *files):
        if name in OTHER_FILES:
            lines.append(f"- `{name}`: {OTHER_FILES[name]}")
        elif name.startswith("data/") and name.endswith(".csv"):
            lines.append(f"- `{name}`: table, columns below")
        elif name.startswith("weights/"):
            lines.append(f"- `{name}`: the uploaded weights")
    return lines


def _data_doc() -> str:
    from . import data

    return data.__doc__.split("\n", 1)[1].strip()
