"""Check the reply bank and look at what it says.

python -m labkit.sim.replies check              # validate every bank file, print sample replies
python -m labkit.sim.replies sample "prompt"    # read one prompt and show a few replies
python -m labkit.sim.replies report             # intent accuracy and wrong-answer shares
python -m labkit.sim.replies card --write       # refresh the data card's measured figures
python -m labkit.sim.replies concepts-check     # validate the concept files, count their entries
"""

from __future__ import annotations

import argparse
import sys

from labkit.sim.replies.report import card, check, check_concepts, report, sample


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m labkit.sim.replies", description=__doc__.split("\n")[0]
    )
    commands = parser.add_subparsers(dest="command", required=True)
    commands.add_parser("check", help="validate the bank and print one reply per topic")
    commands.add_parser("concepts-check", help="validate the concept files and count entries")
    one = commands.add_parser("sample", help="show how a prompt is read and answered")
    one.add_argument("prompt")
    one.add_argument("--model", default="sim-sonnet-4-6")
    one.add_argument("--effort", default="medium")
    one.add_argument("-n", type=int, default=3, help="replies to show (seeds 0..n-1)")
    rep = commands.add_parser("report", help="measure the bank against datasets/prompts")
    rep.add_argument("--seeds", type=int, default=2)
    rep.add_argument("--json", action="store_true")
    figures = commands.add_parser("card", help="the data card's measured figures")
    figures.add_argument("--write", action="store_true", help="write them into DATACARD.md")
    args = parser.parse_args(argv)
    if args.command == "check":
        return check()
    if args.command == "concepts-check":
        return check_concepts()
    if args.command == "sample":
        return sample(args.prompt, model=args.model, effort=args.effort, n=args.n)
    if args.command == "card":
        return card(write=args.write)
    return report(seeds=args.seeds, as_json=args.json)


if __name__ == "__main__":
    try:
        sys.exit(main())
    except BrokenPipeError:  # `... sample "x" | head`: the reader has seen enough
        sys.stderr.close()
        sys.exit(0)
