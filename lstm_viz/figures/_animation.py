"""Browser-side animation: which steps get a frame, and the play/pause buttons + step slider that drive them.

Frames use ``redraw=False`` (smooth, cheap); as plotly.js then does not redraw layout text, the step
being shown is read out by the slider's ``currentvalue``, never by a per-frame title.
"""

from __future__ import annotations

import numpy as np

from .palette import INK

MAX_FRAMES = 200  # a 2000-step sequence plays as ~200 frames: smooth enough, and a small payload
PLAY_SECONDS = 10.0  # the whole sequence plays in about this long, whatever its length
FRAME_MS_RANGE = (40, 400)


def frame_steps(steps: int, t: int | None = None, max_frames: int = MAX_FRAMES) -> np.ndarray:
    """The steps that get a frame: all of them up to ``max_frames``, else evenly spaced ones.

    Always includes step 0, the last step and ``t`` (so a static figure at step t has its own frame).
    """
    if steps <= max_frames:
        chosen = np.arange(steps)
    else:
        chosen = np.unique(np.round(np.linspace(0, steps - 1, max_frames)).astype(int))
    if t is not None:
        chosen = np.union1d(chosen, [t])
    return chosen


def frame_duration_ms(frames: int) -> int:
    low, high = FRAME_MS_RANGE
    return int(np.clip(1000 * PLAY_SECONDS / max(frames, 1), low, high))


def _animate_args(duration: int) -> dict:
    return {"frame": {"duration": duration, "redraw": False}, "transition": {"duration": 0}, "mode": "immediate"}


def play_controls(names: list[str], labels: list[str], active: int, play_from: int = 0) -> dict:
    """``updatemenus`` (▶ play / ❚❚ pause) and ``sliders`` (one step per frame) for ``fig.update_layout``.

    names: frame names in order; labels: what the slider's read-out shows for each frame;
    active: index of the frame the static figure shows; play_from: index where ▶ starts when the
    animation has not run yet (plotly.js resumes from the current frame once it has).
    """
    duration = frame_duration_ms(len(names))
    play = {**_animate_args(duration), "fromcurrent": True}
    buttons = [
        {"label": "▶ play", "method": "animate", "args": [names[play_from:] if play_from else None, play]},
        {"label": "❚❚ pause", "method": "animate", "args": [[None], _animate_args(0)]},
    ]
    menu = {
        "type": "buttons", "direction": "left", "showactive": False, "buttons": buttons,
        "x": 0.0, "xanchor": "left", "y": 0.0, "yanchor": "top", "pad": {"t": 62, "r": 10},
        "bgcolor": "#FFFFFF", "bordercolor": "#B0B0B0", "font": {"size": 14},
    }  # fmt: skip
    slider = {
        "active": active,
        "steps": [
            {"label": label, "method": "animate", "args": [[name], _animate_args(0)]}
            for name, label in zip(names, labels, strict=True)
        ],
        # the ▶ / ❚❚ buttons take ~170 px: on the narrowest chart (820 px, 1280×720 with the sidebar
        # open) the slider and its read-out must start after them
        "x": 0.25, "len": 0.75, "xanchor": "left", "y": 0.0, "yanchor": "top", "pad": {"t": 50, "b": 0},
        "currentvalue": {"prefix": "step t = ", "xanchor": "left", "font": {"size": 14, "color": INK}},
        "ticklen": 0, "minorticklen": 0, "font": {"size": 1, "color": "rgba(0,0,0,0)"},
        "transition": {"duration": 0},
    }  # fmt: skip
    return {"updatemenus": [menu], "sliders": [slider]}
