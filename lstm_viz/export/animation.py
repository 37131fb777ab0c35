"""A Plotly frame animation (the conveyor belt) as an animated GIF, for slides and documents that play no HTML.

Each GIF frame is the figure with one animation frame applied, rendered to PNG by the same browser
(:class:`~lstm_viz.export.static.StaticRenderer`); the PNGs then share one 256-colour palette so the
colours do not flicker from frame to frame. The ▶/❚❚ buttons and the step slider are left out (drawing
the slider doubles a frame's cost); the subtitle says which step each frame shows.
"""

from __future__ import annotations

import io

import numpy as np
import plotly.graph_objects as go

from .prepare import EXPORT_HEIGHT, EXPORT_WIDTH, export_copy, without_animation
from .static import StaticRenderer, shared_renderer

GIF_MAX_FRAMES = 20  # a 120-step belt shows every 6th step: enough to see it move; ~0.15–0.3 s per frame
GIF_SECONDS = 8.0  # the whole sequence plays in about this long ...
GIF_FRAME_MS = (120, 600)  # ... within these per-frame limits (GIF timing is in 10 ms units)
GIF_HOLD_MS = 2000  # the last frame stays up before the loop starts again
PALETTE_SAMPLES = 4  # frames the shared palette is fitted to


def gif_frame_indices(frames: int, max_frames: int = GIF_MAX_FRAMES) -> list[int]:
    """Which of ``frames`` animation frames the GIF shows: all, or ``max_frames`` evenly spaced (first, last kept)."""
    if frames <= max_frames:
        return list(range(frames))
    return sorted(set(np.round(np.linspace(0, frames - 1, max_frames)).astype(int).tolist()))


def frame_labels(spec: dict) -> dict[str, str]:
    """Frame name -> the slider's read-out for it ("42  'h'"), or the name itself when there is no slider."""
    labels = {}
    for slider in spec.get("layout", {}).get("sliders", ()):
        for step in slider.get("steps", ()):
            args = step.get("args") or [None]
            if args[0]:
                labels.setdefault(str(args[0][0]), str(step.get("label", args[0][0])))
    return labels


def frame_specs(fig: go.Figure, indices) -> list[dict]:
    """Figure dicts of ``fig`` at animation frames ``indices``, without controls, each titled with its step.

    Frames update some traces (``frame.traces``, else the first ones) and optionally the layout; the rest
    of each dict is shared with the others, never copied.
    """
    spec = fig.to_dict()
    frames = spec.get("frames") or []
    labels = frame_labels(spec)
    base = without_animation(spec)
    title = base["layout"].get("title") or {}
    subtitle = (title.get("subtitle") or {}).get("text") or ""
    out = []
    for k in indices:
        frame = frames[k]
        data = list(base["data"])
        targets = frame.get("traces", range(len(frame.get("data", ()))))
        for target, update in zip(targets, frame.get("data", ()), strict=False):
            data[target] = {**data[target], **{key: v for key, v in update.items() if key != "type"}}
        step = labels.get(str(frame.get("name")), str(frame.get("name", k)))
        layout = {**base["layout"], **frame.get("layout", {})}
        shown = f"{subtitle} · step t = {step}" if subtitle else f"step t = {step}"
        layout["title"] = {**title, "subtitle": {**(title.get("subtitle") or {}), "text": shown}}
        out.append({"data": data, "layout": layout})
    return out


def animation_gif(fig: go.Figure, *, mode: str | None = "print", caption: str | None = None,
                  width: int = EXPORT_WIDTH, height: int = EXPORT_HEIGHT, max_frames: int = GIF_MAX_FRAMES,
                  renderer: StaticRenderer | None = None) -> bytes:  # fmt: skip
    """The animation of ``fig`` (it must have frames) as looping GIF bytes, ``width × height`` px.

    At most ``max_frames`` frames, evenly spaced over the animation; ``fig`` is not modified.
    """
    renderer = renderer or shared_renderer()
    jobs = gif_jobs(fig, mode=mode, caption=caption, max_frames=max_frames)
    return gif_from_pngs(renderer.render_many(jobs, width=width, height=height, scale=1.0))


def gif_jobs(fig: go.Figure, *, mode: str | None = "print", caption: str | None = None,
             max_frames: int = GIF_MAX_FRAMES) -> list[tuple[dict, str]]:  # fmt: skip
    """The renderer's jobs for the GIF's frames, ``[(figure dict, "png"), ...]`` (see :func:`animation_gif`)."""
    if not fig.frames:
        raise ValueError("this figure has no animation frames to put in a GIF.")
    if isinstance(max_frames, bool) or not isinstance(max_frames, int) or max_frames < 2:
        raise ValueError(f"max_frames must be a whole number >= 2, got {max_frames!r}.")
    themed = export_copy(fig, mode, caption) if mode is not None or caption else fig
    return [(spec, "png") for spec in frame_specs(themed, gif_frame_indices(len(themed.frames), max_frames))]


def frame_duration_ms(frames: int) -> int:
    low, high = GIF_FRAME_MS
    return int(np.clip(1000 * GIF_SECONDS / max(frames, 1), low, high)) // 10 * 10


def gif_from_pngs(pngs: list[bytes]) -> bytes:
    """Looping GIF bytes from PNG frames of one size, all on one shared palette (no dithering: crisp text)."""
    from PIL import Image

    frames = [Image.open(io.BytesIO(png)).convert("RGB") for png in pngs]
    palette, white = shared_palette(frames)
    indexed = [_indexed(frame, palette, white) for frame in frames]
    step = frame_duration_ms(len(frames))
    durations = [step] * (len(frames) - 1) + [GIF_HOLD_MS]
    out = io.BytesIO()
    indexed[0].save(out, format="GIF", save_all=True, append_images=indexed[1:], duration=durations, loop=0,
                    disposal=1, optimize=False)  # fmt: skip
    return out.getvalue()


def shared_palette(frames, samples: int = PALETTE_SAMPLES):
    """A 256-colour palette image fitted to a few frames spread over the animation (the first frame alone
    may lack colours that appear later, e.g. under a curtain that lifts), and the index of its pure white.

    Median cut averages the page's white with near-whites (→ 252, 252, 252): its whitest entry is made
    pure white, and :func:`_indexed` maps white pixels onto it exactly.
    """
    from PIL import Image

    picks = [frames[k] for k in gif_frame_indices(len(frames), samples)]
    width, height = picks[0].size
    sheet = Image.new("RGB", (width, height * len(picks)))
    for row, frame in enumerate(picks):
        sheet.paste(frame, (0, row * height))
    palette = sheet.quantize(colors=256, method=Image.Quantize.MEDIANCUT, dither=Image.Dither.NONE)
    colours = np.array(palette.getpalette()[: 256 * 3], dtype=np.uint8).reshape(-1, 3)
    white = int(np.argmax(colours.astype(int).sum(axis=1)))
    colours[white] = 255
    palette.putpalette(colours.ravel().tolist())
    return palette, white


def _indexed(frame, palette, white: int):
    """``frame`` on ``palette``; PIL's palette lookup is approximate, so pure white pixels are set exactly."""
    from PIL import Image

    from_pil = frame.quantize(palette=palette, dither=Image.Dither.NONE)
    indices = np.array(from_pil)
    indices[np.all(np.asarray(frame) == 255, axis=-1)] = white
    out = Image.fromarray(indices)  # mode "L"; putpalette makes it "P"
    out.putpalette(palette.getpalette())
    return out
