"""The command line: ``python -m lstm_viz export`` builds a scenario's lecture pack headlessly.

    python -m lstm_viz export --scenario "weights=preset&preset=latch&T=120" --out pack/ --formats svg,png,pdf,html
    python -m lstm_viz export --scenario scenario.json --out pack/ --zip

Exit status: 0 done; 2 bad arguments (the message says which); 3 no Chrome/Chromium for the static
formats asked for; 1 the export itself failed. Nothing is left half-written in --out on failure.
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

EXIT_USAGE = 2
EXIT_NO_BROWSER = 3
EXIT_FAILED = 1

SCENARIO_HELP = (
    'the scenario: a URL query string as the app shows it ("task=adding&T=200&H=16"), the app\'s whole URL, '
    'JSON (\'{"task": "adding"}\'), or a .json file (e.g. a pack\'s scenario.json)'
)

WEIGHTS_HELP = "the .npz weights of a weights=upload scenario (a pack keeps them in weights/)"


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="python -m lstm_viz", description="lstm_viz from the command line.")
    commands = parser.add_subparsers(dest="command", metavar="COMMAND", required=True)
    export = commands.add_parser(
        "export",
        help="build a scenario's lecture pack (figures, animation, data, README)",
        description="Build the lecture pack of a scenario: every figure as SVG/PNG/PDF/HTML, the conveyor-belt "
        "animation (GIF and a self-playing page), the data (CSV, .npz) and a README to regenerate it.",
    )
    export.add_argument("--scenario", required=True, help=SCENARIO_HELP)
    export.add_argument("--out", required=True, type=Path, help="directory to write into (created if missing)")
    export.add_argument("--formats", default="svg,png,pdf,html",
                        help="figure formats, comma-separated, from svg,png,pdf,html (default: all four)")  # fmt: skip
    export.add_argument("--zip", action="store_true", help="write one .zip into --out instead of loose files")
    size = export.add_mutually_exclusive_group()
    size.add_argument("--scale", type=float, default=None, help="PNG scale (default 2: 1280×720 → 2560×1440)")
    size.add_argument("--dpi", type=float, default=None, help="PNG resolution instead of --scale (scale = dpi/96)")
    export.add_argument("--gif-frames", type=int, default=None, help="at most this many GIF frames (default 20)")
    export.add_argument("--weights", type=Path, default=None, help=WEIGHTS_HELP)
    export.add_argument("--quiet", action="store_true", help="no progress bar")
    export.set_defaults(run=run_export, command_parser=export)
    return parser


def read_scenario(text: str):
    """A Scenario from the --scenario text, or a .json file's contents; ValueError with the reason."""
    from .scenario import Scenario

    stripped = text.strip()
    if stripped.lower().endswith(".json") and not stripped.startswith("{"):
        path = Path(stripped)
        try:
            stripped = path.read_text(encoding="utf-8")
        except OSError as exc:
            raise ValueError(f"cannot read the scenario file {str(path)!r} ({exc.strerror or exc}).") from None
    if not stripped:
        raise ValueError('the scenario is empty; give a query string such as "task=adding&T=200".')
    return Scenario.parse(stripped)


def read_weights(path: Path):
    """LSTMParams or RNNParams from an .npz file saved by ``params.save`` (or a pack's weights/ file)."""
    from .core import LSTMParams, RNNParams

    if not path.is_file():
        raise ValueError(f"no weights file at {str(path)!r}.")
    try:
        return LSTMParams.load(path)
    except ValueError as lstm_error:
        try:
            return RNNParams.load(path)
        except ValueError:
            raise ValueError(f"{str(path)!r}: {lstm_error}") from None


def pack_options(args):
    """PackOptions from the command line; ValueError for a bad format, scale, DPI or frame count."""
    from .export.pack import PackOptions

    options = {"formats": args.formats, "require_static": True}
    if args.scale is not None:
        options["scale"] = args.scale
    if args.dpi is not None:
        options["dpi"] = args.dpi
    if args.gif_frames is not None:
        options["gif_frames"] = args.gif_frames
    return PackOptions(**options)


def run_export(args, parser) -> int:
    from .export.files import check_writable_dir
    from .export.pack import PACK_TABS, write_lecture_pack
    from .export.progress import ProgressBar
    from .export.static import StaticExportError, StaticExportUnavailable, StaticRenderer

    try:
        scenario = read_scenario(args.scenario)
    except ValueError as exc:
        parser.error(f"--scenario: {exc}")
    try:
        options = pack_options(args)
        uploaded = read_weights(args.weights) if args.weights is not None else None
        check_writable_dir(args.out)
    except ValueError as exc:
        parser.error(str(exc))
    if scenario.weights == "upload" and uploaded is None:
        parser.error("this scenario uses uploaded weights (weights=upload): give the file with --weights.")

    bar = None if args.quiet else ProgressBar()
    started = time.perf_counter()
    renderer = StaticRenderer(tabs=PACK_TABS)  # one browser for the whole pack, started by the first image
    try:
        paths = write_lecture_pack(scenario, args.out, as_zip=args.zip, uploaded=uploaded, options=options,
                                   renderer=renderer, progress=bar)  # fmt: skip
    except StaticExportUnavailable as exc:
        _fail(bar, f"{exc} Use --formats html for a pack without static images.")
        return EXIT_NO_BROWSER
    except StaticExportError as exc:
        _fail(bar, str(exc))
        return EXIT_FAILED
    except ValueError as exc:  # e.g. uploaded weights that do not fit the scenario's task
        _fail(bar, str(exc))
        return EXIT_USAGE
    except OSError as exc:
        _fail(bar, f"could not write the pack into {str(args.out)!r}: {exc.strerror or exc}.")
        return EXIT_FAILED
    finally:
        renderer.close()
    if bar is not None:
        bar.close()
    where = paths[0] if args.zip else args.out
    print(f"lstm_viz: wrote {len(paths)} file(s) to {where} in {time.perf_counter() - started:.1f} s", file=sys.stderr)
    return 0


def _fail(bar, message: str) -> None:
    if bar is not None:
        bar.close()
    print(f"python -m lstm_viz export: error: {message}", file=sys.stderr)


def main(argv=None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    try:
        return args.run(args, args.command_parser)
    except KeyboardInterrupt:
        print("\ninterrupted; nothing was left half-written.", file=sys.stderr)
        return 130


if __name__ == "__main__":
    sys.exit(main())
