"""Command line: ``python -m cnndemo section N [options]``, a thin wrapper of run_section.

Invalid arguments print a one-line message on stderr and exit with status 2 (argparse's
convention), never a traceback.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
from collections.abc import Sequence

from cnndemo.sections import EPOCH_RULE, format_report, run_section

__all__ = ["main"]


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="python -m cnndemo", description="Run the CNN tutorial's sections from the shell."
    )
    commands = parser.add_subparsers(dest="command", required=True)
    section = commands.add_parser(
        "section",
        help="run one section (1-2: worked convolution; 3-8: train the model and report)",
        description="Run one section: 1-2 print the worked convolution; 3-8 train the "
        "section's model and print its errors, learned vectors and predictions.",
        epilog=EPOCH_RULE,
    )
    section.add_argument("number", type=int, choices=range(1, 9), metavar="N", help="1 to 8")
    section.add_argument("--epochs", type=int, help="training epochs (3-8)")
    section.add_argument("--seed", type=int, help="weight initialisation seed (3-8), default 0")
    section.add_argument("--learning-rate", type=float, help="default 1.0")
    section.add_argument("--momentum", type=float, help="default 0.9")
    section.add_argument("--pool", choices=("max", "min", "avg"), help="sections 3, 5, 8")
    section.add_argument("--activation", choices=("sigmoid", "relu", "tanh"))
    section.add_argument("--optimizer", choices=("momentum", "sgd", "adam"))
    section.add_argument("--json", action="store_true", help="print one JSON object")
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    """Entry point; returns the exit status (0 ok, 2 invalid arguments)."""
    parser = _parser()
    args = parser.parse_args(argv)  # exits 2 with a usage message on malformed input
    options = {
        "epochs": args.epochs,
        "learning_rate": args.learning_rate,
        "momentum": args.momentum,
        "pool": args.pool,
        "activation": args.activation,
        "optimizer": args.optimizer,
    }
    options = {k: v for k, v in options.items() if v is not None}
    if args.seed is not None:
        options["seed"] = args.seed
    try:
        report = run_section(args.number, **options)
    except ValueError as error:
        parser.exit(2, f"{parser.prog}: error: {error}\n")
    text = json.dumps(report) if args.json else format_report(report)
    try:
        print(text, flush=True)
    except BrokenPipeError:
        # The reader left early (e.g. `| head`): not an error. Point stdout at devnull so the
        # interpreter's final flush does not fail again.
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
    return 0
