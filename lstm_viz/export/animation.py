"""A Plotly frame animation (the conveyor belt) as an animated GIF, for slides and documents that play no HTML.

Each GIF frame is the figure with one animation frame applied, rendered to PNG by the same browser
(:class:`~lstm_viz.export.static.StaticRenderer`), then the PNGs share one 256-colour palette so the
colours do not flicker from frame to frame. The step slider stays in the picture, as the progress bar
and the "step t = …" read-out; the ▶/❚❚ buttons do not.
"""

from __future__ import annotations

import io

import numpy as np
import plotly.graph_objects as go

from .prepare import EXPORT_HEIGHT, EXPORT_WIDTH, export_copy
from .static import StaticRenderer, shared_renderer

GIF_MAX_FRAMES = 30  # a 120-step belt shows every 4th step: enough to see it move, ~5 s to render
GIF_SECONDS = 8.0  # the whole sequence plays in about this long ...
GIF_FRAME_MS = (120, 600)  # ... within these per-frame limits (GIF timing is in 10 ms units)
GIF_HOLD_MS = 2000  # the last frame stays up before the loop starts again
PALETTE_SAMPLES = 4  # frames the shared palette is fitted to


def gif_frame_indices(frames: int, max_frames: int = GIF_MAX_FRAMES) -> list[int]:
    """Which of ``frames`` animation frames the GIF shows: all, or ``max_frames`` evenly spaced (first and last kept)."""
    if frames <= max_frames:
        return list(range(frames))
    return sorted(set(np.round(np.linspace(0, frames - 1, max_frames)).astype(int).tolist()))


def frame_figure(fig: go.Figure, index: int) -> go.Figure:
    """A static copy of ``fig`` as it looks at animation frame ``index``, the slider set to that frame."""
    frame = fig.frames[index]
    out = go.Figure(fig)
    out.frames = ()
    targets = frame.traces if frame.traces is not None else range(len(frame.data))
    for target, data in zip(targets, frame.data, strict=False):
        update = data.to_plotly_json()
        update.pop("type", None)
        out.data[target].update(update)
    if frame.layout is not None:
        out.layout.update(frame.layout)
    out.layout.updatemenus = ()
    for slider in out.layout.sliders:
        names = [step.args[0][0] if step.args and step.args[0] else None for step in slider.steps]
        if frame.name in names:
            slider.active = names.index(frame.name)
    return out


def animation_gif(fig: go.Figure, *, mode: str | None = "print", caption: str | None = None,
                  width: int = EXPORT_WIDTH, height: int = EXPORT_HEIGHT, max_frames: int = GIF_MAX_FRAMES,
                  renderer: StaticRenderer | None = None) -> bytes:  # fmt: skip
    """The animation of ``fig`` (it must have frames) as looping GIF bytes, ``width × height`` px.

    At most ``max_frames`` frames, evenly spaced over the animation; ``fig`` is not modified.
    """
    if not fig.frames:
        raise ValueError("this figure has no animation frames to put in a GIF.")
    if isinstance(max_frames, bool) or not isinstance(max_frames, int) or max_frames < 2:
        raise ValueError(f"max_frames must be a whole number >= 2, got {max_frames!r}.")
    themed = export_copy(fig, mode, caption)
    chosen = gif_frame_indices(len(themed.frames), max_frames)
    jobs = [(frame_figure(themed, k), "png") for k in chosen]
    pngs = (renderer or shared_renderer()).render_many(jobs, width=width, height=height, scale=1.0)
    return gif_from_pngs(pngs)


def frame_duration_ms(frames: int) -> int:
    low, high = GIF_FRAME_MS
    return int(np.clip(1000 * GIF_SECONDS / max(frames, 1), low, high)) // 10 * 10


def gif_from_pngs(pngs: list[bytes]) -> bytes:
    """Looping GIF bytes from PNG frames of one size, all on one shared palette (no dithering: crisp text)."""
    from PIL import Image

    frames = [Image.open(io.BytesIO(png)).convert("RGB") for png in pngs]
    palette = shared_palette(frames)
    indexed = [f.quantize(palette=palette, dither=Image.Dither.NONE) for f in frames]
    step = frame_duration_ms(len(frames))
    durations = [step] * (len(frames) - 1) + [GIF_HOLD_MS]
    out = io.BytesIO()
    indexed[0].save(out, format="GIF", save_all=True, append_images=indexed[1:], duration=durations, loop=0,
                    disposal=1, optimize=False)  # fmt: skip
    return out.getvalue()


def shared_palette(frames, samples: int = PALETTE_SAMPLES):
    """A 256-colour palette image fitted to a few frames spread over the animation (its first frame alone
    may lack colours that appear later, e.g. under a curtain that lifts)."""
    from PIL import Image

    picks = [frames[k] for k in gif_frame_indices(len(frames), samples)]
    width, height = picks[0].size
    sheet = Image.new("RGB", (width, height * len(picks)))
    for row, frame in enumerate(picks):
        sheet.paste(frame, (0, row * height))
    return sheet.quantize(colors=256, method=Image.Quantize.MEDIANCUT, dither=Image.Dither.NONE)
