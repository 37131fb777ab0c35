"""The seven views, in tab order (the order of ``Scenario.VIEWS``).

Each module has LABEL (its tab), NOTES ("what to look at"; RNN_NOTES, if any, instead when only the RNN is
shown), USES_STEP (draw the step controls) and render(ctx)
(drawn again at every step); a view may add render_once() for what does not change with the step (drawn by the
full run only, as a step reruns only the view's fragment).
"""

from __future__ import annotations

from types import ModuleType

from . import belt, cell, equations, gradients, heatmaps, memory, train

VIEW_MODULES: dict[str, ModuleType] = {
    "cell": cell,
    "belt": belt,
    "heatmaps": heatmaps,
    "equations": equations,
    "gradients": gradients,
    "memory": memory,
    "train": train,
}
