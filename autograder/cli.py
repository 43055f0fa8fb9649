"""The `course` command. The nbgrader pipeline (release, check, grade, export) is not built yet."""

from __future__ import annotations

import argparse
import sys


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="course",
        description="Instructor tools for the course's nbgrader labs.",
        epilog="Only `course version` exists so far; release, check, grade and export follow.",
    )
    commands = parser.add_subparsers(dest="command", required=True)
    commands.add_parser("version", help="print the package version")
    return parser


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    if args.command == "version":
        from autograder import __version__

        print(__version__)
    return 0


if __name__ == "__main__":
    sys.exit(main())
