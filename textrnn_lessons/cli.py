"""The `textrnn-lessons` command: download, check, train, reproduce, and the workshop app.

TensorFlow is imported inside the commands that need it, so `--help` is instant. Every
failure ends in one `error: ...` sentence and a non-zero exit (2 for bad input or settings);
`--debug` shows the traceback instead. Ctrl-C ends a command with one sentence too, whatever
TensorFlow was doing when it came.
"""

from __future__ import annotations

import argparse
import signal
import subprocess
import sys
import threading
from contextlib import contextmanager
from pathlib import Path

from .settings import PRESETS, PROTOCOLS, get_preset


def _add_preset(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--preset",
        choices=sorted(PRESETS),
        help="data and training size (default: $TEXTRNN_LESSONS_PRESET or workshop)",
    )
    parser.add_argument(
        "--data",
        metavar="DIR",
        help="folder with train.csv and test.csv (default: $TEXTRNN_LESSONS_DATA "
        "or the downloaded canonical files)",
    )


def _add_protocol(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--protocol",
        choices=PROTOCOLS,
        help="clean (default: vocabulary from training text, validation held out "
        "of the training articles) or tutorial (the tutorial's leaky way: "
        "vocabulary from training and test text, the test set as validation)",
    )


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="textrnn-lessons",
        description="Recurrent neural networks for text classification on AG News: the lessons' tools.",
    )
    parser.add_argument(
        "--debug",
        action="store_true",
        help="on an error, show the full traceback instead of one sentence",
    )
    # --debug is accepted after the command too; SUPPRESS keeps a sub-command from resetting it.
    debug = argparse.ArgumentParser(add_help=False)
    debug.add_argument(
        "--debug",
        action="store_true",
        default=argparse.SUPPRESS,
        help="on an error, show the full traceback instead of one sentence",
    )
    commands = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")

    download = commands.add_parser(
        "download", parents=[debug], help="fetch and verify the AG News files"
    )
    download.add_argument(
        "--to", metavar="DIR", help="folder to fill, e.g. a USB stick (default: the per-user cache)"
    )

    check = commands.add_parser(
        "check", parents=[debug], help="pre-flight: versions, data, a tiny training run"
    )
    _add_preset(check)

    train = commands.add_parser(
        "train", parents=[debug], help="train and evaluate one approach, and log the run"
    )
    train.add_argument(
        "--approach",
        type=int,
        required=True,
        choices=range(1, 6),
        metavar="N",
        help="approach number, 1 to 5",
    )
    _add_preset(train)
    _add_protocol(train)

    reproduce = commands.add_parser(
        "reproduce", parents=[debug], help="all five approaches -> table, plots, report"
    )
    _add_preset(reproduce)
    _add_protocol(reproduce)
    reproduce.add_argument(
        "--out",
        metavar="DIR",
        default="reports/reproduce",
        help="output folder (default: reports/reproduce)",
    )

    app = commands.add_parser(
        "app",
        parents=[debug],
        help="the workshop app (approach panel and comparison) in Voilà, from any folder",
    )
    app.add_argument("--port", type=int, default=8866, help="port to serve on (default: 8866)")
    app.add_argument(
        "--no-browser", action="store_true", help="do not open a browser tab on the app"
    )
    app.add_argument(
        "voila_options",
        nargs=argparse.REMAINDER,
        metavar="-- VOILA-OPTIONS",
        help="further options for Voilà, after --, such as -- --Voila.ip=0.0.0.0",
    )
    return parser


def cmd_download(args) -> int:
    from .data.download import MD5_ENV, REGISTRY, download_ag_news, is_canonical

    folder = download_ag_news(args.to)
    for name in REGISTRY:
        kind = (
            "the canonical AG News file (published MD5 verified)"
            if is_canonical(folder / name)
            else f"verified against the MD5 in ${MD5_ENV}: not the canonical file"
        )
        print(f"{folder / name}: {kind}")
    if args.to:
        print(f"Use them with: export TEXTRNN_LESSONS_DATA={Path(folder).resolve()}")
    return 0


def cmd_check(args) -> int:
    from .teaching.preflight import run_checks

    return 0 if run_checks(get_preset(args.preset), args.data) else 1


def cmd_train(args) -> int:
    from .data.reading import load_ag_news
    from .models.approaches import get_approach
    from .results.log import ResultsLogError, append_run, check_writable
    from .training.trainer import run_approach

    data = load_ag_news(args.preset, args.data, args.protocol)
    approach = get_approach(args.approach)
    log = check_writable()  # before training, not after it
    print(f"{approach.label} on {data.describe()}")
    result = run_approach(approach, data, verbose=2, log=False)
    stop_if_interrupted()
    print(result.evaluation.summary())
    try:
        append_run(result.record, log)
    except ResultsLogError as error:
        print(
            f"error: training succeeded (test accuracy {100 * result.evaluation.accuracy:.2f} %, "
            f"above), but the run was not logged. {error}",
            file=sys.stderr,
        )
        return 1
    print(f"Trained in {result.history.train_seconds:.1f} s; run logged in {log}")
    return 0


def cmd_reproduce(args) -> int:
    from .results.log import check_writable
    from .results.reproduce import check_out_folder, reproduce

    if not args.out.strip():
        raise ValueError(
            "--out is empty (''): give a folder for the report, such as "
            "`--out reports/reproduce` (the default)."
        )
    out = check_out_folder(Path(args.out))  # before hours of training, not after
    check_writable()
    report = reproduce(
        get_preset(args.preset), args.data, out, args.protocol, before_logging=stop_if_interrupted
    )
    print(f"Report written to {report}")
    return 0


def cmd_app(args) -> int:
    from .ui.voila_app import jupyter_environment, voila_command

    options = [option for option in args.voila_options if option != "--"]
    command = voila_command(
        None, f"--port={args.port}", *(["--no-browser"] if args.no_browser else []), *options
    )
    print("Starting the workshop app in Voilà; press Ctrl-C to stop it.", flush=True)
    server = subprocess.Popen(command, env=jupyter_environment())
    try:
        return server.wait()
    except KeyboardInterrupt:  # Voilà got the Ctrl-C too, and shuts its kernels down
        return server.wait()


COMMANDS = {
    "download": cmd_download,
    "check": cmd_check,
    "train": cmd_train,
    "reproduce": cmd_reproduce,
    "app": cmd_app,
}
INTERRUPTED = "interrupted; a run that had not finished was not logged."


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    with _watching_for_ctrl_c() as ctrl_c:
        try:
            status = COMMANDS[args.command](args)
            stop_if_interrupted()  # a Ctrl-C that TensorFlow swallowed is still a Ctrl-C
            return status
        except KeyboardInterrupt:
            if args.debug:
                raise
            print(f"error: {INTERRUPTED}", file=sys.stderr)
            return 130
        except Exception as error:
            if args.debug:
                raise
            if ctrl_c.is_set() or _caused_by_interrupt(error):
                # Ctrl-C inside TensorFlow's C++ code can surface as another exception (a
                # SystemError while a graph is built): it is still the learner's Ctrl-C.
                print(f"error: {INTERRUPTED}", file=sys.stderr)
                return 130
            sentence, status = describe_error(error)
            print(f"error: {sentence}", file=sys.stderr)
            return status


#: Set by Ctrl-C while a command runs (_watching_for_ctrl_c).
CTRL_C = threading.Event()


def stop_if_interrupted() -> None:
    """Raise KeyboardInterrupt if Ctrl-C was pressed, before anything is logged.

    TensorFlow can swallow the KeyboardInterrupt of a Ctrl-C that lands while it builds a graph
    (the exception dies in its C++ layer), and training then goes on as if nothing happened.
    """
    if CTRL_C.is_set():
        raise KeyboardInterrupt


@contextmanager
def _watching_for_ctrl_c():
    """CTRL_C, set by Ctrl-C (SIGINT), which still raises KeyboardInterrupt as usual."""
    pressed = CTRL_C
    pressed.clear()

    def on_sigint(signum, frame):
        pressed.set()
        signal.default_int_handler(signum, frame)

    try:
        previous = signal.signal(signal.SIGINT, on_sigint)
    except ValueError:  # not the main thread (main() called from a thread): nothing to watch
        yield pressed
        return
    try:
        yield pressed
    finally:
        signal.signal(signal.SIGINT, previous)


def _caused_by_interrupt(error: BaseException) -> bool:
    """True when a KeyboardInterrupt is among the causes or contexts of `error`."""
    seen = set()
    while error is not None and id(error) not in seen:
        if isinstance(error, KeyboardInterrupt):
            return True
        seen.add(id(error))
        error = error.__cause__ or error.__context__
    return False


def describe_error(error: Exception) -> tuple[str, int]:
    """The sentence and exit status for an error: 2 for bad input or settings, 1 otherwise."""
    from .data.download import DataError

    if isinstance(error, (DataError, ValueError)):
        return str(error), 2
    if isinstance(error, OSError):
        where = f" ({error.filename})" if error.filename else ""
        return (
            f"{error.strerror or error}{where}. Check that the file or folder exists and "
            "that you may read and write it; run again with --debug for details."
        ), 1
    return (
        f"unexpected {type(error).__name__}: {error}. This is probably a bug in "
        "textrnn-lessons: run the command again with --debug and report what it shows."
    ), 1


if __name__ == "__main__":
    sys.exit(main())
