"""The `textrnn-lessons` command: download, check, train and reproduce.

TensorFlow is imported inside the commands that need it, so `--help` is instant.
"""
from __future__ import annotations

import argparse
import sys
from pathlib import Path

from .config import PRESETS, get_preset


def _add_preset(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--preset", choices=sorted(PRESETS),
                        help="data and training size (default: $TEXTRNN_LESSONS_PRESET or workshop)")
    parser.add_argument("--data", metavar="DIR",
                        help="folder with train.csv and test.csv (default: $TEXTRNN_LESSONS_DATA "
                             "or the downloaded canonical files)")


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="textrnn-lessons",
        description="Recurrent neural networks for text classification on AG News: the lessons' tools.",
    )
    commands = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")

    download = commands.add_parser("download", help="fetch and verify the AG News files")
    download.add_argument("--to", metavar="DIR",
                          help="folder to fill, e.g. a USB stick (default: the per-user cache)")

    check = commands.add_parser("check", help="pre-flight: versions, data, a tiny training run")
    _add_preset(check)

    train = commands.add_parser("train", help="train and evaluate one approach, and log the run")
    train.add_argument("--approach", type=int, required=True, choices=range(1, 6), metavar="N",
                       help="approach number, 1 to 5")
    _add_preset(train)

    reproduce = commands.add_parser("reproduce", help="all five approaches -> table, plots, report")
    _add_preset(reproduce)
    reproduce.add_argument("--out", metavar="DIR", default="reports/reproduce",
                           help="output folder (default: reports/reproduce)")
    return parser


def cmd_download(args) -> int:
    from .data import MD5_ENV, REGISTRY, download_ag_news, is_canonical

    folder = download_ag_news(args.to)
    for name in REGISTRY:
        kind = ("the canonical AG News file (published MD5 verified)" if is_canonical(folder / name)
                else f"verified against the MD5 in ${MD5_ENV}: not the canonical file")
        print(f"{folder / name}: {kind}")
    if args.to:
        print(f"Use them with: export TEXTRNN_LESSONS_DATA={Path(folder).resolve()}")
    return 0


def cmd_check(args) -> int:
    from .checks import run_checks

    return 0 if run_checks(get_preset(args.preset), args.data) else 1


def cmd_train(args) -> int:
    from .data import load_ag_news
    from .models import get_approach
    from .pipeline import run_approach
    from .results import results_path

    data = load_ag_news(args.preset, args.data)
    approach = get_approach(args.approach)
    print(f"{approach.label} on {data.describe()}")
    result = run_approach(approach, data, verbose=2)
    print(result.evaluation.summary())
    print(f"Trained in {result.history.train_seconds:.1f} s; run logged in {results_path()}")
    return 0


def cmd_reproduce(args) -> int:
    from .reproduce import reproduce

    report = reproduce(get_preset(args.preset), args.data, Path(args.out))
    print(f"Report written to {report}")
    return 0


COMMANDS = {"download": cmd_download, "check": cmd_check, "train": cmd_train,
            "reproduce": cmd_reproduce}


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    from .data import DataError

    try:
        return COMMANDS[args.command](args)
    except (DataError, ValueError) as error:
        print(f"error: {error}", file=sys.stderr)
        return 2


if __name__ == "__main__":
    sys.exit(main())
