"""Static images (PNG, SVG, PDF) of Plotly figures, rendered by kaleido in the system's Chrome/Chromium.

One browser serves many figures: a :class:`StaticRenderer` keeps one headless Chromium open (3–5 s to
start) and renders each figure in ~0.1–0.3 s, where ``fig.write_image`` starts a browser per file (~2 s).

    with StaticRenderer() as renderer:                        # one browser for the whole block
        png = renderer.render(fig, "png", scale=2)            # bytes, 2560×1440 for 1280×720

    figure_png(fig)                                           # the app's one call per button: a shared
                                                              # browser, started on first use
Nothing here downloads anything: kaleido gets plotly.js from the installed plotly package and MathJax
is switched off (figure text uses Plotly's ``<sub>`` markup, never LaTeX). Without Chrome/Chromium,
:func:`static_export_available` says so in words and rendering raises :class:`StaticExportUnavailable`.
"""

from __future__ import annotations

import asyncio
import atexit
import concurrent.futures
import importlib.util
import io
import os
import shutil
import threading

from .prepare import EXPORT_HEIGHT, EXPORT_WIDTH, static_spec

PNG_SCALE = 2.0  # the default: a 1280×720 figure becomes a 2560×1440 PNG, sharp on any projector
CSS_DPI = 96  # a CSS pixel is 1/96 inch, so a 1280-px figure is 13.3 in wide; dpi=300 means scale 3.125
MAX_SCALE = 8.0  # 10240×5760 px: past this a PNG is hundreds of MB of nothing useful
FORMATS = ("png", "svg", "pdf")
START_TIMEOUT_S = 60.0
RENDER_TIMEOUT_S = 90.0  # per figure, as kaleido's own default
RELOAD_EVERY = 50  # renders between page reloads of the browser tab (see _ReusingKaleido)
BROWSER_NAMES = ("chromium", "chromium-browser", "google-chrome", "google-chrome-stable", "chrome")

NO_BROWSER = (
    "PNG, SVG and PDF downloads need Google Chrome or Chromium, and none was found on this machine "
    "(on Debian/Ubuntu: apt-get install chromium; or set BROWSER_PATH to a Chrome executable). "
    "The interactive HTML and the data downloads still work."
)
NO_KALEIDO = (
    "PNG, SVG and PDF downloads need the 'kaleido' package (pip install kaleido). "
    "The interactive HTML and the data downloads still work."
)


class StaticExportUnavailable(RuntimeError):
    """No browser (or no kaleido) to render static images; the message says what to install."""


class StaticExportError(RuntimeError):
    """The browser was there but could not render a figure (timeout, crash); the message says which."""


def find_browser() -> str | None:
    """The Chrome/Chromium kaleido would use (``BROWSER_PATH`` first, then PATH and the usual places), or None."""
    try:
        from choreographer.browsers import Chromium
    except ImportError:
        return None
    path = Chromium.find_browser(skip_local=False)
    return path if path and os.path.isfile(path) and os.access(path, os.X_OK) else None


def static_export_available() -> tuple[bool, str]:
    """``(True, "Chromium at /usr/bin/chromium")`` or ``(False, a sentence saying what is missing)``.

    Cheap (no browser is started, and kaleido is not imported while an executable Chrome/Chromium is
    found at ``BROWSER_PATH`` or on the PATH), so the app can ask on every rerun to label its buttons.
    """
    if importlib.util.find_spec("kaleido") is None:
        return False, NO_KALEIDO
    path = _browser_on_path() or find_browser()
    if path is None:
        return False, NO_BROWSER
    return True, f"Chromium at {path}"


def _browser_on_path() -> str | None:
    """``BROWSER_PATH`` when set (then the only choice, as for kaleido), else the first Chrome/Chromium on the
    PATH; None if that is no executable file."""
    chosen = os.environ.get("BROWSER_PATH")
    candidates = [chosen] if chosen else [shutil.which(name) for name in BROWSER_NAMES]
    return next((path for path in candidates if path and os.path.isfile(path) and os.access(path, os.X_OK)), None)


def png_scale(scale: float | None = None, dpi: float | None = None) -> float:
    """The kaleido scale for a PNG: ``dpi / 96`` when a DPI is chosen, else ``scale`` (default 2)."""
    if dpi is not None:
        if isinstance(dpi, bool) or not isinstance(dpi, (int, float)) or not 0 < dpi <= MAX_SCALE * CSS_DPI:
            raise ValueError(f"dpi must be a number in (0, {MAX_SCALE * CSS_DPI:g}], got {dpi!r}.")
        return float(dpi) / CSS_DPI
    scale = PNG_SCALE if scale is None else scale
    if isinstance(scale, bool) or not isinstance(scale, (int, float)) or not 0 < scale <= MAX_SCALE:
        raise ValueError(f"scale must be a number in (0, {MAX_SCALE:g}], got {scale!r}.")
    return float(scale)


def _check_size(width, height) -> tuple[int, int]:
    for name, value in (("width", width), ("height", height)):
        if isinstance(value, bool) or not isinstance(value, int) or not 100 <= value <= 8000:
            raise ValueError(f"{name} must be a whole number of pixels from 100 to 8000, got {value!r}.")
    return width, height


def _kaleido_class():
    """kaleido.Kaleido, made to reuse its tab between renders (reloading it every RELOAD_EVERY renders).

    kaleido reloads the page (and its 4.8 MB plotly.js) after every figure, which is two thirds of the
    time a figure takes. Without the reload, five figures in three formats came out byte-identical (PNG),
    identical but for Plotly's random clip-path ids (SVG) and for the creation date (PDF). The periodic
    reload bounds any state a long session could accumulate in the page. ``_return_kaleido_tab`` is
    kaleido's own (private) hook: a kaleido without it gets used as it is, reloads and all.
    """
    from kaleido import Kaleido

    if not hasattr(Kaleido, "_return_kaleido_tab"):
        return Kaleido

    class _ReusingKaleido(Kaleido):
        _renders = 0

        async def _return_kaleido_tab(self, tab):
            self._renders += 1
            if self._renders % RELOAD_EVERY == 0:
                await super()._return_kaleido_tab(tab)
            else:
                await self.tabs_ready.put(tab)

    return _ReusingKaleido


class StaticRenderer:
    """One headless Chromium, opened on first use and kept until :meth:`close`, rendering figures to bytes.

    Thread-safe: several callers (Streamlit sessions) may render at once; kaleido queues them on its tabs.
    ``tabs`` > 1 renders that many figures in parallel (each tab is a renderer process of ~100–200 MB).
    """

    def __init__(self, tabs: int = 1, timeout: float = RENDER_TIMEOUT_S):
        self.tabs = tabs
        self.timeout = timeout
        self._lock = threading.Lock()
        self._loop: asyncio.AbstractEventLoop | None = None
        self._thread: threading.Thread | None = None
        self._kaleido = None

    # --- lifecycle ------------------------------------------------------------------------------------
    @property
    def running(self) -> bool:
        return self._kaleido is not None

    def start(self) -> StaticRenderer:
        """Open the browser now (otherwise the first render does). Raises StaticExportUnavailable."""
        with self._lock:
            if self._kaleido is not None:
                return self
            available, reason = static_export_available()
            if not available:
                raise StaticExportUnavailable(reason)
            path = find_browser() or _browser_on_path()
            loop = asyncio.new_event_loop()
            thread = threading.Thread(target=loop.run_forever, name="lstm_viz-kaleido", daemon=True)
            thread.start()
            kaleido_class = _kaleido_class()

            async def open_browser():
                browser = kaleido_class(path=path, n=self.tabs, mathjax=False, timeout=self.timeout)
                await browser.open()
                return browser

            try:
                self._kaleido = asyncio.run_coroutine_threadsafe(open_browser(), loop).result(START_TIMEOUT_S)
            except BaseException as exc:
                _stop_loop(loop, thread)
                if isinstance(exc, (KeyboardInterrupt, SystemExit)):
                    raise
                raise StaticExportUnavailable(
                    f"Chromium at {path} did not start ({type(exc).__name__}: {exc}). "
                    "The interactive HTML and the data downloads still work."
                ) from exc
            self._loop, self._thread = loop, thread
            return self

    def close(self) -> None:
        """Close the browser and its thread; safe to call twice. A later render starts a new browser."""
        with self._lock:
            browser, loop, thread = self._kaleido, self._loop, self._thread
            self._kaleido = self._loop = self._thread = None
        if browser is None:
            return
        try:
            asyncio.run_coroutine_threadsafe(browser.close(), loop).result(START_TIMEOUT_S)
        except Exception:  # closing is best effort: the browser dies with its process group anyway
            pass
        finally:
            _stop_loop(loop, thread)

    def __enter__(self) -> StaticRenderer:
        return self.start()

    def __exit__(self, *exc) -> None:
        self.close()

    # --- rendering ------------------------------------------------------------------------------------
    def render(self, fig, fmt: str, *, width: int = EXPORT_WIDTH, height: int = EXPORT_HEIGHT,
               scale: float = 1.0) -> bytes:  # fmt: skip
        """``fig`` (a Figure or its dict) as PNG/SVG/PDF bytes, ``width × height`` CSS px times ``scale``."""
        return self.render_many([(fig, fmt)], width=width, height=height, scale=scale)[0]

    def render_many(self, jobs, *, width: int = EXPORT_WIDTH, height: int = EXPORT_HEIGHT,
                    scale: float = 1.0) -> list[bytes]:  # fmt: skip
        """Render ``[(fig, fmt), ...]`` (all at once on the renderer's tabs); bytes in the same order.

        ``scale`` applies to the PNGs only (SVG and PDF are vector and keep ``width × height``).
        """
        return self.submit(jobs, width=width, height=height, scale=scale).result()

    def submit(self, jobs, *, width: int = EXPORT_WIDTH, height: int = EXPORT_HEIGHT,
               scale: float = 1.0) -> PendingImages:  # fmt: skip
        """Like :meth:`render_many`, but return at once: the browser works while the caller does something
        else, and ``.result()`` waits for the bytes. Jobs submitted earlier are rendered first."""
        width, height = _check_size(width, height)
        specs = []
        for fig, fmt in jobs:
            if fmt not in FORMATS:
                raise ValueError(f"format must be one of {', '.join(FORMATS)}, got {fmt!r}.")
            spec = fig.to_dict() if hasattr(fig, "to_dict") else fig
            opts = {"format": fmt, "width": width, "height": height, "scale": scale if fmt == "png" else 1}
            specs.append((spec, opts))
        if not specs:
            return PendingImages(None, 0, 0.0)
        self.start()
        with self._lock:
            browser, loop = self._kaleido, self._loop
        if browser is None:
            raise StaticExportError("the renderer was closed while rendering.")

        async def render_all():
            return await asyncio.gather(*(browser.calc_fig(spec, opts=opts) for spec, opts in specs))

        future = asyncio.run_coroutine_threadsafe(render_all(), loop)
        return PendingImages(future, len(specs), self.timeout, on_browser_failure=self.close)


class PendingImages:
    """Images being rendered: ``result()`` waits for them (bytes in job order) and explains any failure."""

    def __init__(self, future: concurrent.futures.Future | None, count: int, timeout: float, on_browser_failure=None):
        self._future, self.count, self._timeout = future, count, timeout
        self._on_browser_failure = on_browser_failure

    def result(self) -> list[bytes]:
        if self._future is None:
            return []
        try:
            return list(self._future.result(self._timeout * self.count + START_TIMEOUT_S))
        except concurrent.futures.TimeoutError:
            self._future.cancel()
            self._browser_failed()
            raise StaticExportError(f"the browser took too long to render {self.count} image(s).") from None
        except Exception as exc:
            if _browser_gone(exc):
                self._browser_failed()
                raise StaticExportError("the browser stopped while rendering; try again (a new one starts).") from exc
            raise StaticExportError(f"the browser could not render the figure ({type(exc).__name__}: {exc}).") from exc

    def _browser_failed(self) -> None:
        """A hung or dead browser is closed, so the next render starts a fresh one instead of waiting again."""
        if self._on_browser_failure is not None:
            self._on_browser_failure()

    def cancel(self) -> None:
        if self._future is not None:
            self._future.cancel()


def _browser_gone(exc: BaseException) -> bool:
    """Whether a render failed because the browser hung or died (not because of the figure): a timeout, a
    render cancelled by choreographer's watchdog, or a closed pipe (``BrowserClosedError``, ``ChannelClosedError``)."""
    cancelled = (asyncio.CancelledError, concurrent.futures.CancelledError)
    return isinstance(exc, (TimeoutError, *cancelled)) or "Closed" in type(exc).__name__


def _stop_loop(loop: asyncio.AbstractEventLoop, thread: threading.Thread) -> None:
    loop.call_soon_threadsafe(loop.stop)
    thread.join(timeout=10)
    if not thread.is_alive():
        loop.close()


# --- the app's shared browser ----------------------------------------------------------------------------
_shared: StaticRenderer | None = None
_shared_lock = threading.Lock()


def shared_renderer() -> StaticRenderer:
    """The process-wide renderer the one-call functions use; its browser starts on first use, closes at exit."""
    global _shared
    with _shared_lock:
        if _shared is None:
            _shared = StaticRenderer()
            atexit.register(_shared.close)
        return _shared


def figure_image(fig, fmt: str, *, mode: str | None = "print", caption: str | None = None,
                 width: int = EXPORT_WIDTH, height: int = EXPORT_HEIGHT, scale: float | None = None,
                 dpi: float | None = None, renderer: StaticRenderer | None = None) -> bytes:  # fmt: skip
    """``fig`` as ``fmt`` ("png" | "svg" | "pdf") bytes, in the ``mode`` theme ("print" for lecture notes,
    None to keep the figure's look), with ``caption`` (the scenario) under it. ``fig`` is not modified.

    PNG size: ``width × height × scale`` px (scale 2 → 2560×1440), or ``dpi`` (scale = dpi/96, and the
    PNG records that DPI). Animation controls are left out of static images.
    """
    scale = png_scale(scale, dpi) if fmt == "png" else 1.0
    image = (renderer or shared_renderer()).render(
        static_spec(fig, mode=mode, caption=caption), fmt, width=width, height=height, scale=scale
    )
    return with_png_dpi(image, dpi) if fmt == "png" and dpi is not None else image


def figure_png(fig, **options) -> bytes:
    """PNG bytes of ``fig``; options as :func:`figure_image` (default 1280×720 at scale 2, print theme)."""
    return figure_image(fig, "png", **options)


def figure_svg(fig, **options) -> bytes:
    """SVG bytes of ``fig`` (1280×720 user units, print theme); options as :func:`figure_image`."""
    return figure_image(fig, "svg", **options)


def figure_pdf(fig, **options) -> bytes:
    """One-page PDF bytes of ``fig`` (1280×720 px page, print theme); options as :func:`figure_image`."""
    return figure_image(fig, "pdf", **options)


def with_png_dpi(png: bytes, dpi: float) -> bytes:
    """The same PNG with its pHYs chunk saying ``dpi`` (word processors size the image by it)."""
    from PIL import Image

    with Image.open(io.BytesIO(png)) as image:
        out = io.BytesIO()
        image.save(out, format="PNG", dpi=(dpi, dpi))
    return out.getvalue()
