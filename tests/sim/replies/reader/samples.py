"""Code samples that more than one test module reads, `src`, which writes them, helpers to
find and load the function a sample defines, and the harness that runs an original and its
rewrite on the same inputs (`assert_same_behaviour`)."""

import ast
import textwrap
from typing import Any


def src(text):
    return textwrap.dedent(text).strip("\n") + "\n"


SCORES = src(
    """
    import json

    def load_scores(path, minimum=0):
        with open(path) as f:
            data = json.load(f)
        out = []
        for name, score in data.items():
            if score >= minimum:
                out.append((name, score))
        if not out:
            raise ValueError("no scores")
        return sorted(out, key=lambda p: p[1], reverse=True)
    """
)


CLEAN = src(
    """
    import json
    import logging
    import math
    import sys
    from dataclasses import dataclass, field

    logger = logging.getLogger(__name__)


    @dataclass
    class Report:
        path: str
        counts: dict[str, int] = field(default_factory=dict)

        def top(self, n: int = 3) -> list[tuple[str, int]]:
            return sorted(self.counts.items(), key=lambda kv: (-kv[1], kv[0]))[:n]


    def read_words(path: str) -> list[str]:
        with open(path, encoding="utf-8") as handle:
            return [word.lower() for line in handle for word in line.split()]


    def mean_length(words: list[str]) -> float:
        if not words:
            return 0.0
        return sum(len(w) for w in words) / len(words)


    def is_close(a: float, b: float) -> bool:
        return math.isclose(a, b, abs_tol=1e-9)


    def first_long(words: list[str], minimum: int = 5) -> str | None:
        for word in words:
            if len(word) >= minimum:
                return word
        return None


    def load(path: str, defaults: dict[str, str] | None = None) -> dict[str, str]:
        settings = dict(defaults or {})
        try:
            with open(path) as handle:
                settings.update(json.load(handle))
        except FileNotFoundError:
            logger.warning("no config at %s", path)
        except json.JSONDecodeError:
            logger.exception("bad config at %s", path)
            raise
        return settings


    def drop_first_negative(numbers: list[int]) -> list[int]:
        for number in numbers:
            if number < 0:
                numbers.remove(number)
                break
        return numbers


    def classify(n: int) -> str:
        if n is None or n == 0:
            return "zero"
        return "negative" if n < 0 else "positive"


    def main(argv: list[str] | None = None) -> int:
        args = sys.argv[1:] if argv is None else argv
        if not args:
            print("usage: words FILE", file=sys.stderr)
            return 2
        words = read_words(args[0])
        for index, word in enumerate(words):
            print(f"{index}: {word}")
        return 0


    if __name__ == "__main__":
        raise SystemExit(main())
    """
)


FACTORIAL = src(
    """
    def factorial(n):
        if n < 0:
            raise ValueError("negative")
        result = 1
        for k in range(2, n + 1):
            result *= k
        return result
    """
)


DEDUPE = src(
    """
    def dedupe(items):
        seen = set()
        out = []
        for item in items:
            if item not in seen:
                seen.add(item)
                out.append(item)
        return out
    """
)


def function(code):
    """The first function the sample defines, as an AST node."""
    tree = ast.parse(code)
    return next(n for n in tree.body if isinstance(n, ast.FunctionDef))


def loaded(code):
    """The sample's first function, defined by running the sample: tests may, the simulator never."""
    namespace: dict[str, Any] = {}
    exec(code, namespace)
    return namespace[function(code).name]


def run(source, name, args):
    """Call `name` from `source` on `args`: its result, or the type of what it raised."""
    namespace: dict[str, Any] = {}
    exec(compile(source, "<snippet>", "exec"), namespace)
    try:
        return "returned", namespace[name](*args)
    except Exception as error:
        return "raised", type(error)


def assert_same_behaviour(original, rewritten, name, inputs):
    """The rewrite parses, and gives what the original gives (or raises what it raises) on
    every input."""
    assert ast.parse(rewritten)
    for args in inputs:
        assert run(original, name, args) == run(rewritten, name, args), args
