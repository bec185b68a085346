"""`wathiqa` command line (DESIGN's contract).

Each command lives in the module that owns its work and registers itself through a
`register(subparsers)` function; this file only assembles them and turns expected failures
(bad settings, unreachable services) into one line on stderr instead of a traceback.
"""

from __future__ import annotations

import argparse
import importlib
import sys

from pipeline.commands import CommandError
from pipeline.settings import SettingsError

# Modules that contribute commands, in the order `--help` lists them.
COMMAND_MODULES = [
    "pipeline.commands.services",
    "pipeline.commands.ingest",
    "pipeline.commands.process",
    "pipeline.commands.ocr",
    "pipeline.commands.extract",
    "pipeline.commands.freshness",
    "pipeline.commands.search",
    "pipeline.commands.reindex",
    "pipeline.commands.check",
    "pipeline.commands.api",
    "pipeline.commands.demo",
]


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="wathiqa", description="Wathiqa document archive and pipeline")
    subparsers = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")
    for name in COMMAND_MODULES:
        importlib.import_module(name).register(subparsers)
    return parser


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    try:
        return int(args.func(args) or 0)
    except (CommandError, SettingsError) as exc:
        print(f"wathiqa {args.command}: {exc}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        return 130
    except BrokenPipeError:  # output piped into `head` and the like
        sys.stderr.close()
        return 0


if __name__ == "__main__":
    sys.exit(main())
