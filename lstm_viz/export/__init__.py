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

from .analyses import LessonAnalyses, analyse
from .animation import animation_gif
from .data import TABLES, VIEW_TABLES, lesson_csvs, lesson_npz, table_csv, view_csv
from .files import write_atomic
from .html import animation_html, figure_html, modebar_config, plotly_js_bytes, safe_filename
from .lesson_figures import lesson_equations, lesson_figures, scenario_caption
from .pack import (
    FIGURE_FORMATS,
    PackOptions,
    figure_filename,
    lecture_pack_files,
    lecture_pack_zip,
    pack_name,
    write_lecture_pack,
)
from .prepare import EXPORT_HEIGHT, EXPORT_WIDTH
from .static import (
    StaticExportError,
    StaticExportUnavailable,
    StaticRenderer,
    figure_image,
    figure_pdf,
    figure_png,
    figure_svg,
    shared_renderer,
    static_export_available,
)

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
    "view_csv",
    "write_atomic",
    "write_lecture_pack",
]
