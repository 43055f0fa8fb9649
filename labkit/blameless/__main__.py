"""Check reports for blaming language, or measure the check on labelled sentences.

python -m labkit.blameless report.md [more.md ...]     # findings per file, exit 1 if any
python -m labkit.blameless --rates [sentences.jsonl]   # error rates on a labelled corpus
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from labkit.blameless import check_blameless, format_findings
from labkit.blameless.corpus import CORPUS_PATH, CorpusError, load_corpus, measure


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m labkit.blameless", description=__doc__.split("\n")[0]
    )
    parser.add_argument("files", nargs="*", type=Path, help="Markdown or text reports to check")
    parser.add_argument("--rates", action="store_true", help="measure on labelled sentences")
    parser.add_argument("-v", "--verbose", action="store_true", help="list each error (--rates)")
    args = parser.parse_args(argv)
    if args.rates:
        return _rates(args.files or [CORPUS_PATH], verbose=args.verbose)
    if not args.files:
        parser.error("name a report to check, or use --rates")
    found = 0
    for path in args.files:
        try:
            text = path.read_text(encoding="utf-8")
        except (OSError, UnicodeDecodeError) as error:
            print(f"{path}: cannot read it ({error.__class__.__name__}: {error})", file=sys.stderr)
            return 2
        findings = check_blameless(text)
        found += len(findings)
        print(f"{path}:\n{format_findings(findings)}")
    return 1 if found else 0


def _rates(paths: list[Path], *, verbose: bool) -> int:
    try:
        sentences = [s for path in paths for s in load_corpus(path)]
    except (OSError, CorpusError) as error:
        print(f"error: {error}", file=sys.stderr)
        return 2
    rates = measure(sentences)
    print(rates.summary())
    for label, counts in rates.by_category().items():
        print(
            f"  {label} by category: "
            + (", ".join(f"{k} {v}" for k, v in counts.most_common()) or "none")
        )
    if verbose:
        for sentence in rates.false_positives:
            print(f"  flagged   {sentence.id} ({sentence.category}): {sentence.text}")
        for sentence in rates.false_negatives:
            print(f"  missed    {sentence.id} ({sentence.category}): {sentence.text}")
    return 0


if __name__ == "__main__":
    try:
        sys.exit(main())
    except BrokenPipeError:  # `... --rates -v | head`: the reader has seen enough
        sys.stderr.close()
        sys.exit(0)
