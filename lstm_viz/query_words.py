"""How a link writes on and off (``present=1``, ``notes=off``), after stripping and lower-casing.

A module of its own so that the page's first lines can read ``present=`` before the scenario module (which
loads the tasks, the presets and numba) is imported.
"""

from __future__ import annotations

YES = ("1", "true", "yes", "on")
NO = ("0", "false", "no", "off")
