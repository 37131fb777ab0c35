"""Getting figures and data out of lstm_viz: PNG/SVG/PDF (kaleido + the system's Chromium), offline HTML,
the conveyor belt as a GIF or a self-playing page, CSV/.npz data, and the one-click lecture pack.

Every function returns bytes (one call per download button) and never modifies the figure it is given.

    from lstm_viz.export import figure_png, figure_html, lecture_pack_zip, static_export_available
    ok, reason = static_export_available()          # (False, "…needs Chrome or Chromium…") without a browser
    png = figure_png(fig, caption="Latch preset · T = 120")   # 2560×1440, print theme
    html = figure_html(fig)                          # standalone, plotly.js embedded
    zip_bytes = lecture_pack_zip(scenario)           # figures + animation + data + README

Command line: ``python -m lstm_viz export --scenario "preset=latch&T=120" --out DIR --formats svg,png,pdf,html``.
"""

from __future__ import annotations

import importlib

# What the app's first page uses is imported now (and binds the name ``lesson_figures`` to the function, not
# to its module); the rest on first use (PEP 562), so that opening the app loads no kaleido, GIF writer or
# lecture-pack builder.
from .analyses import LessonAnalyses, analyse
from .lesson_figures import lesson_equations, lesson_figures, scenario_caption

_HOMES = {
    "animation_gif": "animation",
    "TABLES": "data",
    "VIEW_TABLES": "data",
    "lesson_csvs": "data",
    "lesson_npz": "data",
    "table_csv": "data",
    "view_csv": "data",
    "write_atomic": "files",
    "animation_html": "html",
    "figure_html": "html",
    "modebar_config": "html",
    "plotly_js_bytes": "html",
    "safe_filename": "html",
    "FIGURE_FORMATS": "pack",
    "PackOptions": "pack",
    "figure_filename": "pack",
    "lecture_pack_files": "pack",
    "lecture_pack_zip": "pack",
    "pack_name": "pack",
    "write_lecture_pack": "pack",
    "training_csv": "training_data",
    "training_npz": "training_data",
    "EXPORT_HEIGHT": "prepare",
    "EXPORT_WIDTH": "prepare",
    "StaticExportError": "static",
    "StaticExportUnavailable": "static",
    "StaticRenderer": "static",
    "figure_image": "static",
    "figure_pdf": "static",
    "figure_png": "static",
    "figure_svg": "static",
    "shared_renderer": "static",
    "static_export_available": "static",
}

__all__ = [
    "EXPORT_HEIGHT",
    "EXPORT_WIDTH",
    "FIGURE_FORMATS",
    "TABLES",
    "VIEW_TABLES",
    "LessonAnalyses",
    "PackOptions",
    "StaticExportError",
    "StaticExportUnavailable",
    "StaticRenderer",
    "analyse",
    "animation_gif",
    "animation_html",
    "figure_filename",
    "figure_html",
    "figure_image",
    "figure_pdf",
    "figure_png",
    "figure_svg",
    "lecture_pack_files",
    "lecture_pack_zip",
    "lesson_csvs",
    "lesson_equations",
    "lesson_figures",
    "lesson_npz",
    "modebar_config",
    "pack_name",
    "plotly_js_bytes",
    "safe_filename",
    "scenario_caption",
    "shared_renderer",
    "static_export_available",
    "table_csv",
    "training_csv",
    "training_npz",
    "view_csv",
    "write_atomic",
    "write_lecture_pack",
]


def __getattr__(name: str):
    home = _HOMES.get(name)
    if home is None:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    value = getattr(importlib.import_module(f".{home}", __name__), name)
    globals()[name] = value  # later look-ups skip this function
    return value


def __dir__() -> list[str]:
    return sorted(set(globals()) | set(_HOMES))
