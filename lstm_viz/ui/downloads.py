"""Getting things out of the app: an "⬇ Export" popover for every figure (PNG at 2×, SVG, PDF, interactive
HTML; the conveyor belt also as a GIF and a self-playing page), the data behind each view (CSV, .npz; the
Train view's run as well) and the lecture pack (.zip).

Nothing is rendered on a rerun: every button's ``data`` is a function Streamlit calls only when the button
is clicked. Static formats need Chrome or Chromium on the server (kaleido); without one their buttons are
disabled and say why, while HTML and data still work. Projector mode shows none of this.

A view's figure and data buttons sit in one row under it, drawn by the full run only, not by the step's
fragment: Streamlit gives a deferred download button a new file id on every run, so buttons redrawn at each
step would cost every browser a re-render of each popover per step. A button drawn once still saves what
the view shows when it is clicked: the step's fragment publishes what it drew (:func:`showing`), and the
button reads that then.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import partial

import plotly.graph_objects as go
import streamlit as st

from ..export import (
    VIEW_TABLES,
    PackOptions,
    animation_gif,
    animation_html,
    figure_html,
    figure_pdf,
    figure_png,
    figure_svg,
    lecture_pack_zip,
    lesson_npz,
    modebar_config,
    pack_name,
    safe_filename,
    scenario_caption,
    static_export_available,
    view_csv,
)
from ..lesson import MODEL_LABELS
from . import upload
from .context import Context

FORMATS = {  # what a figure button saves: format -> (label, file-name ending, MIME type, renderer)
    "png": ("PNG", "png", "image/png", figure_png),
    "svg": ("SVG", "svg", "image/svg+xml", figure_svg),
    "pdf": ("PDF", "pdf", "application/pdf", figure_pdf),
    "html": ("HTML", "html", "text/html", figure_html),
    "gif": ("GIF", "gif", "image/gif", animation_gif),
    "playing-html": ("Playing HTML", "playing.html", "text/html", animation_html),
}
STATIC = ("png", "svg", "pdf", "gif")  # rendered by a headless Chrome on the server
FIGURE = ("png", "svg", "pdf", "html")
ANIMATION = ("gif", "playing-html")
ANIMATED = "belt.lstm"  # the chart also offered as a GIF and a self-playing page
MODELS = ("lstm", "rnn")
PACK_KEY = "export.pack"  # session state: (what the pack was built for, its file name, its bytes)
SHOWN = "export.shown"  # session state: {"ctx": the Context the view on screen was last drawn with}
NO_STATIC = "PNG, SVG, PDF and GIF are made on the server by a headless Chrome, and there is none here: {reason}"


def file_stem(key: str, ctx: Context) -> str:
    """The download name of chart ``key`` without extension: "lstm-viz-latch-lstm-T120-cell-diagram"."""
    return f"{pack_name(ctx.scenario, ctx.lesson)}-{safe_filename(key.replace('.', '-'))}"


def chart_config(key: str, ctx: Context) -> dict:
    """Plotly's own camera button, set to save this chart as a 2× PNG with its download name (works with no
    Chrome on the server: the browser renders it)."""
    return modebar_config(file_stem(key, ctx))


def caption(key: str, ctx: Context) -> str:
    """The scenario line stamped under an exported figure; a chart of one network names only that one."""
    model = key.rpartition(".")[2]
    return scenario_caption(ctx.scenario, ctx.lesson, (model,) if model in MODELS else None)


def export_bytes(fmt: str, build: Callable[[], go.Figure], text: str) -> bytes:
    """The file a figure button saves: ``build()`` rendered as ``fmt`` (a key of FORMATS) with ``text`` under it."""
    return FORMATS[fmt][3](build(), caption=text)


def figure_exports(build: Callable[[], go.Figure], key: str, ctx: Context, text: str | None = None,
                   label: str = "⬇ Export") -> None:  # fmt: skip
    """The "⬇ Export" popover of chart ``key``; ``build()`` makes its figure, only when a button is clicked.

    ``text``: the caption stamped under the exported figure (default: the scenario's).
    """
    if ctx.scenario.presentation:
        return
    available, reason = static_export_available()
    text = text or caption(key, ctx)
    stem = file_stem(key, ctx)
    formats = FIGURE + ANIMATION if key == ANIMATED else FIGURE
    with st.popover(label, width="content"):
        with st.container(horizontal=True):
            for fmt in formats:
                name, ending, mime, _ = FORMATS[fmt]
                enabled = available or fmt not in STATIC
                data = partial(export_bytes, fmt, build, text)
                _button(name, data, f"{stem}.{ending}", mime, f"export.{key}.{fmt}", enabled)
        if not available:
            st.caption(NO_STATIC.format(reason=reason))


CHART_NAMES = {"belt.rnn": "h over time · vanilla RNN"}  # the belt view's RNN chart: it has no belt


def chart_name(key: str) -> str:
    """How an export menu names chart ``key``: "cell.bars.rnn" -> "cell bars · vanilla RNN"."""
    if key in CHART_NAMES:
        return CHART_NAMES[key]
    *words, last = key.split(".")
    model = MODEL_LABELS.get(last) if words else None
    return " ".join(words) + f" · {model}" if model else " ".join([*words, last])


def _button(label: str, data: Callable[[], bytes], file_name: str, mime: str, key: str, enabled: bool = True) -> None:
    """A download button that makes its file only when clicked and does not rerun the page."""
    st.download_button(
        label,
        data=data,
        file_name=file_name,
        mime=mime,
        key=key,
        on_click="ignore",
        disabled=not enabled,
        help=f"Save {file_name}" if enabled else "Needs Chrome or Chromium on the server.",
    )


def showing(ctx: Context) -> None:
    """Publish what the view on screen shows now (its step, its charts): what its buttons save when clicked.

    A download is made on the server's own thread, outside any script run, where ``st.session_state`` is out
    of reach: the buttons hold this session's one box and read it then.
    """
    _shown()["ctx"] = ctx


def _shown() -> dict:
    if SHOWN not in st.session_state:
        st.session_state[SHOWN] = {}
    return st.session_state[SHOWN]


def _now(shown: dict) -> Context:
    return shown["ctx"]


def _chart_now(shown: dict, key: str) -> go.Figure:
    return _now(shown).charts[key][0]()


def view_exports(view: str) -> None:
    """Under a view, drawn by the full run after the view's fragment: an "⬇ Export" popover per chart it drew,
    its data as CSV and the whole lesson as .npz; each file is made on click from what the view shows then."""
    shown = _shown()
    ctx = _now(shown)
    if ctx.scenario.presentation:
        return
    stem = pack_name(ctx.scenario, ctx.lesson)
    with st.container(horizontal=True):
        for key, (_, text) in ctx.charts.items():
            figure_exports(partial(_chart_now, shown, key), key, ctx, text, label=f"⬇ Export {chart_name(key)}")
        if view in VIEW_TABLES:
            _button(f"⬇ {view} data (CSV)", partial(view_csv, ctx.lesson, view), f"{stem}-{view}.csv", "text/csv",
                    f"export.data.{view}.csv")  # fmt: skip
        npz = partial(_lesson_npz_now, shown)
        _button("⬇ All arrays (.npz)", npz, f"{stem}.npz", "application/octet-stream", f"export.data.{view}.npz")


def _lesson_npz_now(shown: dict) -> bytes:
    ctx = _now(shown)
    return lesson_npz(ctx.lesson, ctx.scenario)


def training_exports(ctx: Context, results: dict, spec: dict) -> None:
    """Under the Train view's results: both loss curves as CSV, and the whole run (losses, final weights,
    snapshots, what it trained on) as one .npz. Made only when a button is clicked."""
    if ctx.scenario.presentation:
        return
    from ..export import training_csv, training_npz

    stem = f"{pack_name(ctx.scenario, ctx.lesson)}-training"
    with st.container(horizontal=True):
        _button("⬇ train data (CSV)", partial(training_csv, results), f"{stem}.csv", "text/csv",
                "export.data.train.run.csv")  # fmt: skip
        _button("⬇ Training run (.npz)", partial(training_npz, results, ctx.scenario, spec), f"{stem}.npz",
                "application/octet-stream", "export.data.train.run.npz")  # fmt: skip


def lecture_pack(ctx: Context, view: str) -> None:
    """A button that builds the pack (with a progress bar), then the button that saves it.

    Drawn by the step's fragment: a pack holds the step it was built at, so its save button goes when the
    step moves on."""
    if ctx.scenario.presentation:
        return
    built_for = f"{ctx.lesson.key}|{ctx.scenario.to_json()}"
    pack_help = "Every figure, the animation and the data, zipped"
    with st.container(horizontal=True):
        if st.button("Lecture pack", key=f"export.pack.{view}", icon=":material/folder_zip:", help=pack_help):
            st.session_state[PACK_KEY] = (built_for, *_build_pack(ctx))
        pack = st.session_state.get(PACK_KEY)
        if pack is not None and pack[0] == built_for:
            st.download_button(f"⬇ {pack[1]}", data=pack[2], file_name=pack[1], mime="application/zip",
                               key=f"export.pack.save.{view}", on_click="ignore", type="primary")  # fmt: skip


def _build_pack(ctx: Context) -> tuple[str, bytes]:
    bar = st.progress(0.0, text="Building the lecture pack…")

    def progress(done: int, total: int, label: str) -> None:
        bar.progress(min(done / max(total, 1), 1.0), text=f"Lecture pack: {label}")

    weights = upload.weights() if ctx.scenario.weights == "upload" else None
    data = lecture_pack_zip(ctx.scenario, lesson=ctx.lesson, uploaded=weights.params if weights else None,
                            options=PackOptions(require_static=False), progress=progress)  # fmt: skip
    bar.empty()
    return f"{pack_name(ctx.scenario, ctx.lesson)}.zip", data
