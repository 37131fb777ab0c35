"""What every view is handed: the scenario, its lesson, the step shown and the look (screen or projector)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

from ..export.lesson_figures import focus, shown_models
from ..lesson import MODEL_LABELS, Lesson
from ..scenario import Scenario


@dataclass(frozen=True, eq=False)
class Context:
    scenario: Scenario
    lesson: Lesson
    t: int  # the step shown, already within [0, T-1]
    # Every chart the view has drawn so far, by chart key: (its figure's build, the caption under its exported
    # files or None for the scenario's). The view's export menus save these (:func:`.downloads.view_exports`).
    charts: dict[str, tuple[Callable, str | None]] = field(default_factory=dict)

    @property
    def mode(self) -> str:
        """The figure theme: "presentation" in projector mode, else "screen"."""
        return "presentation" if self.scenario.presentation else "screen"

    @property
    def models(self) -> tuple[str, ...]:
        """The networks the cell views show, in order: ("lstm",), ("rnn",) or both."""
        return shown_models(self.scenario)

    def unit(self, model: str) -> int:
        """The focused unit, within the model's hidden size."""
        return focus(self.scenario, self.lesson, model)[1]

    @property
    def x_label(self) -> str:
        return self.lesson.x_labels[self.t]

    @staticmethod
    def label(model: str) -> str:
        return MODEL_LABELS[model]
