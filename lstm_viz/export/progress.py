"""A tiny progress bar on stderr (tqdm is not a dependency): redrawn in place on a terminal, one line per
step when the output goes to a log file or a pipe.

    bar = ProgressBar()
    bar(3, 12, "figure heatmaps-lstm")     # [######..................]  3/12  1.2 s  figure heatmaps-lstm
    bar.close()
"""

from __future__ import annotations

import sys
import time

BAR_WIDTH = 24


class ProgressBar:
    """A ``progress(done, total, label)`` callback that draws itself on ``stream`` (default stderr)."""

    def __init__(self, stream=None, width: int = BAR_WIDTH):
        self.stream = stream if stream is not None else sys.stderr
        self.width = width
        self.start = time.perf_counter()
        self.interactive = bool(getattr(self.stream, "isatty", lambda: False)())
        self._drawn = False

    def __call__(self, done: int, total: int, label: str) -> None:
        filled = self.width * done // max(total, 1)
        elapsed = time.perf_counter() - self.start
        line = f"[{'#' * filled}{'.' * (self.width - filled)}] {done:>3}/{total}  {elapsed:5.1f} s  {label}"
        if self.interactive:
            self.stream.write(f"\r\033[K{line}")
        else:
            self.stream.write(line + "\n")
        self.stream.flush()
        self._drawn = True

    def close(self) -> None:
        """End the bar's line (on a terminal), so the next output starts on a fresh one."""
        if self.interactive and self._drawn:
            self.stream.write("\n")
            self.stream.flush()
        self._drawn = False
