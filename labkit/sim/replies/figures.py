"""Statistics questions that carry their own figures, worked out.

"My agent passed 312 of 400 tasks, what's the 95% CI?" deserves 73.7% to 81.8%, not a lecture on
what a confidence interval is. This module reads the figures of five kinds of question out of the
prompt with patterns, works the answer out, and writes it with sentences from
datasets/replies/figures.toml (the maths here, the words there):

1. one proportion: a Wilson interval (and Wald's when asked), the rule of three at zero;
2. two proportions: the difference with Newcombe's hybrid score interval, and the paired caveat;
3. sample size: n per group to detect a difference, or n to estimate a rate to within +/- E;
   and the clean runs needed to claim a failure rate is below X;
4. pass@k and pass^k, from n samples with c correct or from a per-attempt rate;
5. a flaky test's failure rate, and what a run of clean runs says.

Reading is deliberately conservative: a prompt whose figures could be read two ways (two sample
sizes for one rate, three counts, a percent with no n) gets nothing from here, and the ordinary
answer plans answer it instead. A wrong number stated with confidence is worse than a general
answer.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass, replace
from statistics import NormalDist

from labkit.sim.replies.bank import EFFORT_RANK, Alternative, Bank
from labkit.sim.replies.compose import Chooser, Writer
from labkit.sim.replies.intent import Reading

MAX_CHARS = 600  # a longer prompt is a log or a document, not a question with its figures
MAX_LINES = 4  # "A: 161/200 / B: 170/200 / better?" fits; a pasted log does not
DEFAULT_LEVEL = 0.95
DEFAULT_POWER = 0.80
MAX_KS = 4  # pass@1, @10, @100 in one question is usual; more reads as a table, not a reply
RULE_OF_THREE_FROM = 10  # below this many trials 3/n is no guide (3/1 is 300%): say the exact bound
BASELINE_IF_NONE = 0.5  # the worst case for binomial variance: the honest default
# Replies to these topics are something else whatever figures they hold ("write a function
# that computes the Wilson interval of 3/10" wants code).
_OTHER_TOPICS = frozenset({"write_code", "creative", "summarise", "greeting", "farewell"})


# -- maths -------------------------------------------------------------------------------------
@dataclass(frozen=True)
class Interval:
    low: float
    high: float


def z_value(level: float) -> float:
    """The two-sided normal quantile for a confidence level: 1.96 for 0.95."""
    return NormalDist().inv_cdf(0.5 + level / 2)


def wilson(rate: float, n: int, level: float = DEFAULT_LEVEL) -> Interval:
    """Wilson's score interval for a proportion observed as `rate` over `n` trials."""
    z = z_value(level)
    z2n = z * z / n
    centre = (rate + z2n / 2) / (1 + z2n)
    half = z / (1 + z2n) * math.sqrt(rate * (1 - rate) / n + z2n / (4 * n))
    # Clamp float dust: at rate 0 the lower limit is exactly 0, not -1e-17.
    return Interval(max(centre - half, 0.0), min(centre + half, 1.0))


def wald(rate: float, n: int, level: float = DEFAULT_LEVEL) -> Interval:
    """The textbook normal-approximation interval, unclamped: it can leave 0..1."""
    half = z_value(level) * math.sqrt(rate * (1 - rate) / n)
    return Interval(rate - half, rate + half)


def newcombe(
    rate1: float, n1: int, rate2: float, n2: int, level: float = DEFAULT_LEVEL
) -> Interval:
    """Newcombe's hybrid score interval (his method 10) for rate2 - rate1, independent groups."""
    first, second = wilson(rate1, n1, level), wilson(rate2, n2, level)
    difference = rate2 - rate1
    below = math.sqrt((rate2 - second.low) ** 2 + (first.high - rate1) ** 2)
    above = math.sqrt((second.high - rate2) ** 2 + (rate1 - first.low) ** 2)
    return Interval(difference - below, difference + above)


def per_group(
    rate1: float, rate2: float, *, alpha: float = 0.05, power: float = DEFAULT_POWER, sides: int = 2
) -> int:
    """Trials per group for a two-proportion z-test to detect rate1 vs rate2 (no continuity
    correction): n = (z_a * sqrt(2 pbar qbar) + z_b * sqrt(p1 q1 + p2 q2))^2 / (p2 - p1)^2."""
    z_alpha = NormalDist().inv_cdf(1 - alpha / sides)
    z_beta = NormalDist().inv_cdf(power)
    mean = (rate1 + rate2) / 2
    spread = z_alpha * math.sqrt(2 * mean * (1 - mean)) + z_beta * math.sqrt(
        rate1 * (1 - rate1) + rate2 * (1 - rate2)
    )
    return math.ceil(spread**2 / (rate2 - rate1) ** 2)


def for_margin(rate: float, margin: float, level: float = DEFAULT_LEVEL) -> int:
    """Trials to estimate a proportion near `rate` to within +/- `margin`: z^2 p(1-p) / E^2."""
    return math.ceil(z_value(level) ** 2 * rate * (1 - rate) / margin**2)


def clean_runs_needed(rate: float, level: float = DEFAULT_LEVEL) -> int:
    """Failure-free runs after which a failure rate of `rate` or more is rejected at `level`:
    the smallest n with (1 - rate)^n <= 1 - level (about 3 / rate at 95%)."""
    return math.ceil(math.log(1 - level) / math.log(1 - rate) - 1e-9)


def zero_failure_bound(n: int, level: float = DEFAULT_LEVEL) -> float:
    """The exact one-sided upper bound on a rate after 0 events in n trials: 1 - (1-level)^(1/n)."""
    return 1 - math.pow(1 - level, 1 / n)


def pass_at_k(n: int, c: int, k: int) -> float:
    """The unbiased estimate of pass@k from n samples with c correct: 1 - C(n-c, k) / C(n, k)."""
    return 1 - math.comb(n - c, k) / math.comb(n, k)


def pass_hat_k(n: int, c: int, k: int) -> float:
    """The unbiased estimate of pass^k (all k attempts succeed): C(c, k) / C(n, k)."""
    return math.comb(c, k) / math.comb(n, k)


# -- what the prompt asks ------------------------------------------------------------------------
@dataclass(frozen=True)
class Proportion:
    rate: float
    n: int
    level: float
    count: int | None = None  # the successes when the prompt gave counts, not a rate
    noun: str = ""
    wald_asked: bool = False


@dataclass(frozen=True)
class Difference:
    first: Proportion
    second: Proportion
    level: float
    same_items: bool = False  # "on the same tasks": the paired caveat is the main point then


@dataclass(frozen=True)
class GroupSize:
    baseline: float
    target: float
    alpha: float
    power: float
    sides: int
    baseline_assumed: bool = False
    effect_reading: str = ""  # "points" or "relative" when "a 5% improvement" had to be read
    noun: str = "samples"


@dataclass(frozen=True)
class MarginSize:
    rate: float
    margin: float
    level: float
    rate_assumed: bool
    noun: str = "samples"


@dataclass(frozen=True)
class CleanRuns:
    rate: float
    level: float


@dataclass(frozen=True)
class PassAtK:
    ks: tuple[int, ...]  # "pass@10 and pass@100" asks for two
    at: bool  # pass@k asked
    hat: bool  # pass^k asked
    n: int | None = None
    c: int | None = None
    rate: float | None = None


@dataclass(frozen=True)
class Failures:
    failures: int
    runs: int
    level: float
    noun: str = "runs"
    old_rate: float | None = None
    target: float | None = None  # "is the failure rate under 1%?"


@dataclass(frozen=True)
class Impossible:
    part: str  # more_than_all | nothing_run
    observed: str


Question = (
    Proportion | Difference | GroupSize | MarginSize | CleanRuns | PassAtK | Failures | Impossible
)

_NUM = r"(\d+(?:\.\d+)?|\.\d+)"
_NOUN = (
    r"(?:test cases?|test runs?|tasks?|samples?|items?|runs?|examples?|questions?|problems?|"
    r"prompts?|trials?|cases?|tests?|evals?|episodes?|generations?|completions?|attempts?|tries|games?|users?|queries|"
    r"conversations?|instances?|puzzles?|rows?|inputs?|responses?|outputs?|datapoints?|"
    r"observations?|executions?|builds?|jobs?|iterations?|reruns?|seeds?|challenges?|"
    r"exercises?|issues?|repos?|files?|functions?|rollouts?|draws?)"
)
_RUN_NOUN = (
    r"(?:runs?|times?|builds?|reruns?|executions?|iterations?|attempts?|tries|jobs?|passes|"
    r"cycles?|ci runs?|pipelines?|test runs?)"
)

# The confidence level, power and alpha are figures about the question, not data: they are read
# and cut out first, so that the 95 of "95% CI" is never taken for a pass rate.
_LEVEL = re.compile(
    r"(?<![\d.])(\d{2}(?:\.\d+)?)%\s*(?:two[- ]sided\s+|one[- ]sided\s+)?"
    r"(?:c\.?i\.?s?\b|conf\w*|interval\w*|level\b|credible|wilson|wald|bounds?|error bars?|"
    r"sure\b|certain\w*|upper bound)"
    r"|(?:conf\w*|\bci)\s*(?:level\s*)?(?:of|at|=|:)?\s*(\d{2}(?:\.\d+)?)%"
)
# "significant at 95%" and "at the 5% level" name the level too (a level under 50% is an alpha)
_SIGNIFICANCE_AT = re.compile(
    r"(?:signific\w*|confiden\w*)\s+(?:at|of|level of)\s+(?:the\s+)?(\d+(?:\.\d+)?)%(?:\s+level)?"
    r"|\bat\s+(?:the\s+)?(\d+(?:\.\d+)?)%\s+(?:significance\s+)?level"
)
# "CI" is also continuous integration: "failing in CI", "CI runs" ask nothing about intervals
_CI_PIPELINE = re.compile(
    r"\bci(?=\s+(?:runs?|pipelines?|jobs?|builds?|servers?|systems?|logs?|green|red|failures?|"
    r"workers?|machines?|config\w*)\b)|\b(in|on|into|our|from|through|to|npm)\s+ci\b"
)
_POWER = re.compile(
    r"(?<![\d.])(\d{2}(?:\.\d+)?)%\s*power\b|\bpower\s*(?:of|=|:|at|is)?\s*(?:(\d{2}(?:\.\d+)?)%|(0?\.\d+))"
)
_ALPHA = re.compile(
    r"(?:\balpha|α|significance(?:\s+level)?|\bsig\.?\s+level|\bp\s*<|p-?value\s+(?:of|below|under|<))"
    r"\s*(?:=|of|at|:|is)?\s*(?:(0?\.\d+)|(\d+(?:\.\d+)?)%)"
    r"|(?<![\d.])(\d+(?:\.\d+)?)%\s*(?:significance|alpha|sig\b)"
    r"|at\s+(?:the\s+)?(0?\.\d+)\s+level"
)
_ONE_SIDED = re.compile(r"one[- ]?(?:sided|tailed)")

_PASS_AT = re.compile(r"pass\s*@\s*(\d+|k)\b")
_PASS_HAT = re.compile(r"pass\s*(?:\^|hat\s*)\s*(\d+|k)\b")

_INTERVAL_CUE = re.compile(
    r"\bc\.?i\.?s?\b|conf\w*|\bint?e?r?v[ae]?l+s?\b|\bintera?vl|\binterval\w*|error[- ]?bars?|"
    r"margin of err\w*|\bmoe\b|uncertain\w*|standard err\w*|std\.? err\w*|"
    r"how (?:precise|accurate|sure|certain|reliable|trustworthy|noisy|exact)|wilson|\bwald\b|"
    r"clopper|\bbounds?\b|true (?:\w+ )?rate|±|\brange\b|credible|plausible values"
)
_COMPARE_CUE = re.compile(
    r"signific\w*|\breal\b|\bnoise\b|noisy|\bluck\b|lucky|chance|meaningful|genuine|p-?value|"
    r"better|worse|improv\w*|regress\w*|differ\w*|\bbeats?\b|trust|confiden\w*|\bsure\b|"
    r"matter|conclude|statistic\w*|by accident|random|\bci\b|interval"
)
_SAME_ITEMS = re.compile(
    r"\bsame\s+(?:\d+\s+)?(?:[a-z-]+\s+)?" + _NOUN + r"|\bsame\s+(?:set|benchmark|eval|suite|split)"
    r"|\bpaired\b|\bboth\s+on\b|\bon\s+each\b"
)
_WALD_CUE = re.compile(r"\bwald\b|normal approx\w*|normal interval|simple formula|textbook formula")
_SIZE_CUE = re.compile(
    r"how many\s+(?:more\s+)?(?:[a-z-]+\s+){0,2}?" + _NOUN + r"|how many\s+(?:more\s+)?times\b"
    r"|how many (?:do|would|should|will|must) (?:i|we) (?:need|run)|sample size|\bwhat n\b"
    r"|how (?:big|large) (?:a |an |of a |should |does |do |must )?(?:[a-z-]+\s+){0,2}?"
    r"(?:sample|eval|benchmark|test set|dataset|suite|n)\b|\bminimum n\b|\brequired n\b"
    r"|(?:number of|enough)\s+(?:[a-z-]+\s+)?" + _NOUN + r"\s+(?:do|would|should|to|for|i|we)"
)
_MARGIN = re.compile(
    r"(?:within|±|margin of err\w*(?:\s+(?:of|is|at|to|around|about))?|\bmoe(?:\s+of)?|"
    r"precision of|precise to|accurate to(?:\s+within)?|error bars?\s+(?:of|at|to)|"
    r"half[- ]?width(?:\s+of)?|to\s+the\s+nearest)"
    r"\s*(?:about\s+|around\s+|roughly\s+|~\s*)?(?:±\s*)?" + _NUM + r"\s*(?:pp\b|%)"
)
_WIDTH = re.compile(
    r"(?:width|wide)\s+(?:of\s+)?(?:about\s+|around\s+)?" + _NUM + r"\s*(?:pp\b|%)"
    r"|" + _NUM + r"\s*(?:pp|%)\s+wide"
)
_FROM_TO = re.compile(
    r"(?:from|between)?\s*(?:a\s+|an\s+)?" + _NUM + r"%\s*(?:pass rate\s+|accuracy\s+)?"
    r"(?:to|and|vs\.?|versus|->|→)\s*(?:a\s+|an\s+)?" + _NUM + r"%"
)
_EFFECT_POINTS = re.compile(r"(?<![\d.])" + _NUM + r"\s*pp\b")
_EFFECT_WORDS = (
    r"(?:absolute\s+|relative\s+)?(?:improvement|increase|gain|lift|uplift|difference|drop|"
    r"decrease|change|regression|jump|boost|delta|better|worse|higher|lower|decline|effect)"
)
_EFFECT_PERCENT = re.compile(r"(?<![\d.])" + _NUM + r"%\s*" + _EFFECT_WORDS)
_DOWNWARD = re.compile(
    r"\b(?:drop|decrease|regression|worse|lower|decline|degrad\w*|loss|down|fall|fewer)\b"
)
_RELATIVE = re.compile(r"\brelative\b")
_BELOW = re.compile(
    r"(?:below|under|less than|lower than|at most|no more than|<|≤|beneath)\s*"
    r"(?:about\s+|around\s+|~\s*)?(?:" + _NUM + r"%|(?:1|one)\s+(?:in|per|out of|/)\s+(\d+))"
    r"|(?:fewer than|less than)\s+(?:one time|1 time)\s+(?:in|per|every)\s+(\d+)"
)
_FAILURE_TALK = re.compile(
    r"fail\w*|flak\w*|crash\w*|\berrors?\b|\bbreaks?\b|broken|\bred\b|intermittent\w*"
)
_STREAK = re.compile(
    r"in a row|consecutive|straight|\bgreen\b|\bclean\b|without (?:a |any )?\w*fail"
)
# Asked to summarise pasted output, or for code that computes it: the figures are material there
_OTHER_REQUEST = re.compile(
    r"\bsummar\w*|\btl;?dr\b|\bwrite (?:a |the |some |me )?(?:\w+ ){0,3}?"
    r"(?:function|code|script|program|class|snippet)\b|\bin (?:python|numpy|pandas|r|sql|excel)\b"
)
_NOT_STATISTICS = re.compile(
    r"\bdebug\w*|root cause|stack ?trace|traceback|how (?:do|can|should|could) (?:i|we) "
    r"(?:fix|find|debug|reproduce|stop|prevent|track|make)|why (?:does|did|is|do|would)\b"
    r"|what (?:causes|caused)"
)
_FAILURE_QUESTION = re.compile(
    r"fix\w*|flak\w*|\brate\b|\bsure\b|confiden\w*|certain\w*|likel\w*|chance|probab\w*|"
    r"interval|bound|really|\bgone\b|trust|estimat\w*|how (?:often|bad|flaky)|"
    r"signific\w*|statistic\w*|enough|\bsafe\b|solved|resolved|conclude|claim|prove|believe|"
    r"\breal\b|noise|luck|\bstill\b|\bworked\b|\bworks?\b"
)
_OLD_RATE = re.compile(
    r"(?:used to|previously|before(?: the fix)?|originally|was|were|had been)\s+(?:\w+\s+){0,3}?"
    r"(?:about\s+|around\s+|roughly\s+|~\s*)?(?:"
    + _NUM
    + r"%|(?:1|one)\s+(?:time\s+)?(?:in|out of|every)\s+(\d+))"
    r"|" + _NUM + r"%\s+of\s+(?:the\s+)?(?:time|runs|builds)\s+before"
)


def _normal(text: str) -> str:
    """Lower case, with the spellings of numbers, percents and points made one."""
    t = text.lower().replace("\u2212", "-").replace("–", "-").replace("—", "-")
    t = re.sub(r"(?<=\d),(?=\d{3}(?!\d))", "", t)
    t = re.sub(r"\+\s*/\s*-|\+-|plus\s*(?:or|/)\s*minus|±", " ± ", t)
    t = re.sub(
        r"\s*-?\s*(?:percentage|percent|pct|%)\s*-?\s*(?:points?|pts?)\b|\s*p\.p\.|(?<=\d)\s*pp\b",
        " pp",
        t,
    )
    t = re.sub(r"\s*(?:percent|per cent|pct)\b", "%", t)
    t = re.sub(r"(?<=\d)\s*-?\s*(?:points?|pts?)\b", " pp", t)
    t = re.sub(r"(?<=\d)\s+%", "%", t)
    t = re.sub(r"\bonce\b", "1 time", t)  # "failed once in 500 runs" is a count of 1
    return " ".join(t.split())


def _cut(pattern: re.Pattern[str], text: str) -> tuple[list[tuple[str | None, ...]], str]:
    """The groups of every match, and the text with the matches blanked out."""
    found = [m.groups() for m in pattern.finditer(text)]
    return found, pattern.sub(" ", text)


def _first(groups: tuple[str | None, ...]) -> str:
    return next(g for g in groups if g is not None)


class _Ambiguous(ValueError):
    """The figures can be read more than one way: say nothing rather than guess."""


def _level(text: str) -> tuple[float | None, str]:
    """The confidence level asked for (None if none), and the text without it."""
    text = _CI_PIPELINE.sub(lambda m: f"{m.group(1) or ''} pipeline", text)
    found = [m.groups() for m in _LEVEL.finditer(text)]
    rest = _LEVEL.sub(" confidence ", text)  # "the 95% CI" still asks for an interval
    levels = {float(_first(g)) / 100 for g in found}
    for groups in _SIGNIFICANCE_AT.findall(rest):
        value = float(_first(groups)) / 100
        levels.add(value if value >= 0.5 else 1 - value)
    rest = _SIGNIFICANCE_AT.sub(" significant ", rest)
    if not levels:
        return None, rest
    level = levels.pop()
    if levels or not 0.5 <= level < 1:
        raise _Ambiguous("two levels, or one that is not a level")
    return level, rest


def read_question(text: str) -> Question | None:
    """What a statistics question with its own figures asks, or None when it is not one (or its
    figures could be read more than one way)."""
    if len(text) > MAX_CHARS or text.count("\n") > MAX_LINES or not re.search(r"\d", text):
        return None
    try:
        level, rest = _level(_normal(text))
    except _Ambiguous:
        return None
    if _NOT_STATISTICS.search(rest) or _OTHER_REQUEST.search(rest):
        return None  # "how do I debug the test that failed 3 times in 500 runs?"
    if _PASS_AT.search(rest) or _PASS_HAT.search(rest):
        found = _pass_question(rest)
        if found is not None:
            return found
    if _SIZE_CUE.search(rest):
        return _size_question(rest, level)
    if (_FAILURE_TALK.search(rest) or _STREAK.search(rest)) and re.search(_RUN_NOUN, rest):
        failures = _failure_question(rest, level or DEFAULT_LEVEL)
        if failures is not None:
            return failures
    return _proportion_question(rest, level or DEFAULT_LEVEL)


# counts: "312/400", "312 of 400", "312 tasks out of 400", "3 times in 500", "312 passed, 88 failed"
# "Step 6/11" and "[3/8]" count progress, not successes
_SLASH = re.compile(
    r"(?<![\d./@^\[])(?<!step )(?<!stage )(?<!part )(?<!page )(?<!epoch )(?<!batch )"
    r"(\d+)\s*/\s*(\d+)(?![\d%\]]|\.\d|\s*/\s*\d)"
)
_OUT_OF = re.compile(
    r"(?<![\d.@^])(\d+)\s+(?:(?:[a-z-]+\s+)?(?:" + _NOUN + r"|correct|right|passed|passing|"
    r"solved|succeeded|successes|successful|failed|failures|wrong|passes|fails)\s+){0,2}"
    r"(?:out\s+of|outta|of)\s+(?:the\s+|our\s+|my\s+|all\s+|a\s+total\s+of\s+)?(\d+)(?![\d%]|\.\d)"
)
_TIMES_IN = re.compile(
    r"(?<![\d.])(\d+)\s+(?:times?|failures?|fails|flakes?|errors?|crashes|red runs|reds|"
    r"successes|passes|wins|hits|correct(?:\s+answers)?|right)\s+"
    r"(?:in|out\s+of|of|over|across|during|among|from)\s+(?:the\s+|last\s+|our\s+|my\s+)*(\d+)"
    r"(?![\d%]|\.\d)"
)
_OUT_OF_FIRST = re.compile(
    r"\bout\s+of\s+(?:the\s+|our\s+|my\s+)?(\d+)\b[^.?!;\d]{0,50}?(?<![\d.])(\d+)\s+"
    r"(?:of\s+them\s+|were\s+|are\s+)?(?:right|correct|passed|passing|solved|succeeded|"
    r"successful|failed|wrong)\b"
)
_PASSED_FAILED = re.compile(
    r"(?<![\d.])(\d+)\s+(?:passed|correct|right|solved|passes|successes|pass)\s*[,;/]?\s*"
    r"(?:and\s+)?(\d+)\s+(?:failed|wrong|incorrect|failures|fails|errors|fail)\b"
)


@dataclass(frozen=True)
class _Count:
    k: int
    n: int
    start: int
    end: int


def _counts(text: str) -> list[_Count]:
    out: list[_Count] = []
    for pattern in (_SLASH, _OUT_OF, _TIMES_IN):
        for m in pattern.finditer(text):
            if not any(c.start <= m.start() < c.end or m.start() <= c.start < m.end() for c in out):
                out.append(_Count(int(m.group(1)), int(m.group(2)), m.start(), m.end()))
    for m in _OUT_OF_FIRST.finditer(text):
        if not any(c.start <= m.start() < c.end or m.start() <= c.start < m.end() for c in out):
            out.append(_Count(int(m.group(2)), int(m.group(1)), m.start(), m.end()))
    for m in _PASSED_FAILED.finditer(text):
        if not any(c.start <= m.start() < c.end for c in out):
            k, failed = int(m.group(1)), int(m.group(2))
            out.append(_Count(k, k + failed, m.start(), m.end()))
    return sorted(out, key=lambda c: c.start)


_PERCENT = re.compile(r"(?<![\d.])" + _NUM + r"%")
_DECIMAL_RATE = re.compile(
    r"(?:rate|accuracy|\bacc|score|proportion|probability|\bprob|\bp|p-hat|phat|share)\s*"
    r"(?:(?:per|for|of)\s+(?:an?\s+|each\s+)?[a-z]+\s+)?"
    r"(?:of|is|was|=|:|at|~|≈|around|about|is about|of about)?\s*(0?\.\d+|1\.0+)(?![\d%])"
)
_DECIMAL_NAMED_AFTER = re.compile(
    r"(?<![\d.])(0?\.\d+)\s+(?:accuracy|pass rate|success rate|solve rate|acc\b|score)"
)
_SIZE = re.compile(
    r"\bn\s*(?:=|:|is|of)\s*(\d+)\b|(?<![\d.])(\d+)\s+(?:[a-z-]+\s+)?" + _NOUN + r"\b"
)


def _rates(text: str) -> list[tuple[float, int]]:
    """Rates written as percents or decimals, as fractions, with where they are."""
    found = [(float(m.group(1)) / 100, m.start()) for m in _PERCENT.finditer(text)]
    found += [(float(m.group(1)), m.start(1)) for m in _DECIMAL_RATE.finditer(text)]
    found += [(float(m.group(1)), m.start(1)) for m in _DECIMAL_NAMED_AFTER.finditer(text)]
    found = list({at: (rate, at) for rate, at in found}.values())  # one number, one rate
    return [(rate, int(at)) for rate, at in sorted(found, key=lambda pair: pair[1])]


def _sizes(text: str) -> list[tuple[int, str]]:
    """Sample sizes ("n=400", "on 400 tasks"), with the noun when one was used."""
    out = []
    for m in _SIZE.finditer(text):
        if m.group(1):
            out.append((int(m.group(1)), ""))
        else:
            out.append((int(m.group(2)), _noun_of(m.group(0))))
    return out


def _noun_of(phrase: str) -> str:
    words = phrase.split()[1:]
    return " ".join(words)


def _proportion_question(text: str, level: float) -> Question | None:
    text = _PASS_AT.sub(" ", _PASS_HAT.sub(" ", text))
    counts = _counts(text)
    wald_asked = bool(_WALD_CUE.search(text))
    interval_asked = bool(_INTERVAL_CUE.search(text))
    if len(counts) == 1:
        if not interval_asked:
            return None
        count = counts[0]
        if _PERCENT.search(text[: count.start] + text[count.end :]):
            rest = text[: count.start] + text[count.end :]
            given = [rate for rate, _ in _rates(rest)]
            # "312/400 (78%)" repeats itself; "312/400 vs 75%" asks something else
            if any(count.n == 0 or abs(rate - count.k / count.n) > 0.006 for rate in given):
                return None
        return _one(count.k, count.n, level, _noun_after(text, count), wald_asked)
    if len(counts) == 2:
        if not _COMPARE_CUE.search(text):
            return None
        first, second = (_one(c.k, c.n, level, _noun_after(text, c), False) for c in counts)
        if isinstance(first, Impossible):
            return first
        if isinstance(second, Impossible):
            return second
        if isinstance(first, Proportion) and isinstance(second, Proportion):
            return Difference(first, second, level, bool(_SAME_ITEMS.search(text)))
        return None
    if counts:
        return None
    rates = _rates(text)
    sizes = _sizes(text)
    distinct = list(dict.fromkeys(n for n, _ in sizes))
    if len(rates) == 1 and len(distinct) == 1 and interval_asked:
        rate, n = rates[0][0], distinct[0]
        noun = next((noun for size, noun in sizes if size == n and noun), "")
        return _from_rate(rate, n, level, noun, wald_asked)
    if len(rates) == 2 and len(distinct) in (1, 2) and _COMPARE_CUE.search(text):
        ns = distinct * 2 if len(distinct) == 1 else distinct
        made = [
            _from_rate(rate, n, level, "", False) for (rate, _), n in zip(rates, ns, strict=False)
        ]
        for one in made:
            if isinstance(one, Impossible):
                return one
        first, second = made
        if isinstance(first, Proportion) and isinstance(second, Proportion):
            return Difference(first, second, level, bool(_SAME_ITEMS.search(text)))
    return None


def _noun_after(text: str, count: _Count) -> str:
    """The noun of a count: "312 of 400 tasks" -> tasks, "312 tasks out of 400" -> tasks."""
    after = re.match(r"\s+(?:[a-z-]+\s+)?(" + _NOUN + r")\b", text[count.end :])
    if after:
        return after.group(1)
    inside = re.search(_NOUN, text[count.start : count.end])
    return inside.group(0) if inside else ""


def _one(k: int, n: int, level: float, noun: str, wald_asked: bool) -> Proportion | Impossible:
    if n == 0:
        return Impossible("nothing_run", f"{k} out of {n}")
    if k > n:
        return Impossible("more_than_all", f"{k} out of {n}")
    return Proportion(k / n, n, level, count=k, noun=noun, wald_asked=wald_asked)


def _from_rate(
    rate: float, n: int, level: float, noun: str, wald_asked: bool
) -> Proportion | Impossible:
    if n == 0:
        return Impossible("nothing_run", f"{shown_percent(rate)} of {n}")
    if rate > 1:
        return Impossible("more_than_all", f"{shown_percent(rate)} of {n}")
    return Proportion(rate, n, level, noun=noun, wald_asked=wald_asked)


def _size_question(text: str, level: float | None) -> Question | None:
    powers, text = _cut(_POWER, text)
    alphas, text = _cut(_ALPHA, text)
    power = DEFAULT_POWER
    if powers:
        value = float(_first(powers[0]))
        power = value / 100 if value >= 1 else value
    alpha = 1 - level if level else 0.05
    if alphas:
        decimal, percent, percent_named, level_named = alphas[0]
        given = percent or percent_named
        alpha = float(given) / 100 if given else float(decimal or level_named or 0.05)
    if not (0.5 <= power < 1 and 0 < alpha < 0.5):
        return None
    confidence = 1 - alpha
    if _FAILURE_TALK.search(text):
        clean = _clean_runs_question(text, confidence)
        if clean is not None:
            return clean
    margin = _MARGIN.search(text) or None
    width = _WIDTH.search(text) if margin is None else None
    if margin is not None or width is not None:
        matched = margin or width
        assert matched is not None
        value = float(_first(matched.groups()))
        half = value / 100 if margin is not None else value / 200
        rest = text[: matched.start()] + " " + text[matched.end() :]
        rate, assumed = _baseline(rest)
        if rate is None or not 0 < half < 0.5:
            return None
        return MarginSize(rate, half, confidence, assumed, _asked_noun(text))
    found = _group_size(text, alpha, power, 1 if _ONE_SIDED.search(text) else 2)
    return replace(found, noun=_asked_noun(text)) if found is not None else None


_ASKED_NOUN = re.compile(r"how many\s+(?:more\s+)?(?:[a-z-]+\s+){0,2}(" + _NOUN + r"|times)\b")


def _asked_noun(text: str) -> str:
    """What the question counts ("how many tasks ..."), plural; "samples" when it names none."""
    found = _ASKED_NOUN.search(text)
    if found is None:
        return "samples"
    noun = found.group(1)
    if noun == "times":
        return "runs"
    if noun.endswith(("s", "tries", "queries")):
        return noun
    return noun + "s"


def _baseline(text: str) -> tuple[float | None, bool]:
    """The rate a size question starts from; 50% (and assumed) when it names none."""
    counts = _counts(text)
    rates = [rate for rate, _ in _rates(text)]
    if counts and not rates and len(counts) == 1 and 0 < counts[0].k <= counts[0].n:
        return counts[0].k / counts[0].n, False
    if counts:
        return None, False
    if len(rates) > 1:
        return None, False
    if rates:
        return (rates[0], False) if 0 < rates[0] < 1 else (None, False)
    return BASELINE_IF_NONE, True


def _group_size(text: str, alpha: float, power: float, sides: int) -> GroupSize | None:
    pair = _FROM_TO.search(text)
    if pair is not None:
        rate1, rate2 = float(pair.group(1)) / 100, float(pair.group(2)) / 100
        rest = text[: pair.start()] + " " + text[pair.end() :]
        if _rates(rest) or not (0 < rate1 < 1 and 0 < rate2 < 1) or rate1 == rate2:
            return None
        return GroupSize(rate1, rate2, alpha, power, sides)
    points = _EFFECT_POINTS.search(text)
    percent = _EFFECT_PERCENT.search(text) if points is None else None
    effect = points or percent
    if effect is None:
        return None
    size = float(effect.group(1)) / 100
    rest = text[: effect.start()] + " " + text[effect.end() :]
    if _EFFECT_POINTS.search(rest) or _EFFECT_PERCENT.search(rest):
        return None
    baseline, assumed = _baseline(rest)
    if baseline is None or size <= 0:
        return None
    reading = ""
    downward = bool(_DOWNWARD.search(text[effect.start() : effect.end() + 30]))
    if percent is not None and _RELATIVE.search(text[max(effect.start() - 12, 0) : effect.end()]):
        change, reading = baseline * size, "relative"
    else:
        change, reading = size, "" if points is not None else "points"
    target = baseline - change if downward else baseline + change
    if not 0 < target < 1:
        return None
    return GroupSize(baseline, target, alpha, power, sides, assumed, reading)


def _below(text: str) -> float | None:
    """The rate in "below 1%", "under 1 in 100", "less than 1 time in 1000", if a sane one."""
    below = _BELOW.search(text)
    if below is None:
        return None
    if below.group(1) is not None:
        rate = float(below.group(1)) / 100
    else:
        rate = 1 / float(below.group(2) or below.group(3))
    return rate if 0 < rate < 1 else None


def _clean_runs_question(text: str, confidence: float) -> CleanRuns | None:
    if _BELOW.search(text):
        rate = _below(text)
        return CleanRuns(rate, confidence) if rate is not None else None
    if re.search(r"\bfix\w*|\bgone\b|\bworks?\b|\bworked\b|\bsolved\b|\bresolved\b", text):
        old = _old_rate(text)
        if old is not None:
            return CleanRuns(old, confidence)
    return None


def _old_rate(text: str) -> float | None:
    m = _OLD_RATE.search(text)
    if m is None:
        return None
    if m.group(2) is not None:
        rate = 1 / float(m.group(2))
    else:
        rate = float(m.group(1) or m.group(3)) / 100
    return rate if 0 < rate < 1 else None


_ZERO_FAILURES = (
    re.compile(
        r"(?<![\d.])(\d+)\s+(?:[a-z-]+\s+)?" + _RUN_NOUN + r"\s*(?:,\s*|\s+and\s+|\s+but\s+)?"
        r"(?:(?:it|we|i)\s+)?(?:without|with\s+no|with\s+zero|with\s+0|no|zero|0|never|not\s+one|"
        r"(?:got|had|saw|see|seen)\s+(?:no|zero|0))\s+(?:a\s+|single\s+|one\s+|any\s+)*"
        r"(?:failures?|fails?|failed|failing|flakes?|errors?|crash\w*|problems?|issues?|reds?)"
    ),
    re.compile(
        r"(?:no|zero|0|without\s+(?:a\s+|any\s+)?|not\s+(?:a\s+)?single)\s*"
        r"(?:failures?|fails|flakes?|errors?|crash\w*|reds?)\s+(?:in|over|across|after|for|during|"
        r"since)\s+(?:the\s+last\s+|the\s+|last\s+|another\s+|over\s+)?(\d+)"
    ),
    re.compile(
        r"(?:passed|green|succeeded|clean|passes|passing|worked)\s+(?:[a-z]+\s+)?(\d+)\s+"
        r"(?:times|runs)(?:\s+(?:in a row|straight|consecutively|running))?"
    ),
    re.compile(
        r"(?<![\d.])(\d+)\s+(?:consecutive|clean|green|passing|successful|straight|good)\s+"
        r"(?:[a-z]+\s+)?" + _RUN_NOUN
    ),
    re.compile(
        r"(?:ran|run|reran|rerun|executed|tried)\s+(?:it\s+|the\s+\w+\s+|them\s+)?(\d+)\s+"
        r"(?:more\s+)?" + _RUN_NOUN + r"\s*(?:,\s*)?(?:and|with|but|without)\s+"
        r"(?:(?:it|they)\s+)?(?:never|didn'?t|did\s+not|hasn'?t|has\s+not|no|not\s+once|"
        r"(?:a\s+)?(?:single\s+)?fail)"
    ),
)


def _failure_question(text: str, level: float) -> Question | None:
    if not _FAILURE_QUESTION.search(text):
        return None
    old_rate = _old_rate(text)
    text = _OLD_RATE.sub(" ", text)  # "it used to fail 1 time in 20" is not this run's count
    zero = [int(m.group(1)) for p in _ZERO_FAILURES for m in p.finditer(text)]
    counts = _counts(text)
    # "0 failures in 80 runs" is both a count and a clean streak: the streak
    zero += [c.n for c in counts if c.k == 0]
    counts = [c for c in counts if c.k != 0]
    if zero and not counts:
        if len(set(zero)) != 1:
            return None
        runs = zero[0]
        if runs == 0:
            return Impossible("nothing_run", "0 runs")
        return Failures(0, runs, level, "runs", old_rate)
    if len(counts) == 1 and not zero:
        count = counts[0]
        if count.n == 0:
            return Impossible("nothing_run", f"{count.k} out of {count.n}")
        if count.k > count.n:
            return Impossible("more_than_all", f"{count.k} out of {count.n}")
        noun = _noun_after(text, count)
        noun = noun if noun and noun not in ("times", "time") else "runs"
        rest = text[: count.start] + " " + text[count.end :]
        return Failures(count.k, count.n, level, noun, target=_below(rest))
    return None


def _pass_question(text: str) -> PassAtK | Impossible | None:
    named_k = re.search(r"\bk\s*=\s*(\d+)", text)
    at = [m.group(1) for m in _PASS_AT.finditer(text)]
    hat = [m.group(1) for m in _PASS_HAT.finditer(text)]
    ks: list[int] = []
    for value in at + hat:
        if value == "k" and named_k is None:
            continue  # the metric's name ("explain pass@k, then what is pass@5?"), not a k
        k = int(named_k.group(1) if value == "k" and named_k else value)
        if k not in ks:
            ks.append(k)
    if not ks or len(ks) > MAX_KS or min(ks) < 1:
        return None
    ks.sort()
    rest = _PASS_AT.sub(" ", _PASS_HAT.sub(" ", text))
    rest = re.sub(r"\bk\s*=\s*\d+", " ", rest)
    n_values = {int(m.group(1)) for m in re.finditer(r"\bn\s*=\s*(\d+)", rest)}
    n_values |= {
        int(m.group(1))
        for m in re.finditer(
            r"(?<![\d.])(\d+)\s+(?:[a-z-]+\s+)?(?:samples?|generations?|completions?|attempts?|"
            r"tries|draws?|runs?|rollouts?|trials?|outputs?|responses?|solutions?)\b",
            rest,
        )
    }
    c_values = {int(m.group(1)) for m in re.finditer(r"\bc\s*=\s*(\d+)", rest)}
    c_values |= {
        int(m.group(1))
        for m in re.finditer(
            r"(?<![\d./])(\d+)\s+(?:of\s+(?:them|those|which)\s+)?(?:are\s+|were\s+|is\s+)?"
            r"(?:correct|pass(?:ed|es|ing)?|right|succeed(?:ed)?|successful|solved|work(?:ed)?)\b",
            rest,
        )
    }
    for count in _counts(rest):
        c_values.add(count.k)
        n_values.add(count.n)
    if len(n_values) == 1 and len(c_values) == 1:
        n, c = n_values.pop(), c_values.pop()
        if n == 0:
            return Impossible("nothing_run", f"{c} correct out of {n}")
        if c > n:
            return Impossible("more_than_all", f"{c} correct out of {n}")
        return PassAtK(tuple(ks), bool(at), bool(hat), n=n, c=c)
    if n_values or c_values:
        return None
    rates = [rate for rate, _ in _rates(rest)]
    if len(rates) == 1 and 0 <= rates[0] <= 1:
        return PassAtK(tuple(ks), bool(at), bool(hat), rate=rates[0])
    return None


# -- writing the answer --------------------------------------------------------------------------
def shown_percent(value: float) -> str:
    """A proportion as a percent to one decimal: 78.0%, 0.26% below 1%, 0% and 100% exact."""
    percent = value * 100
    if percent == 0 or percent == 100:
        return f"{percent:.0f}%"
    if 0 < percent < 0.0001:
        return "under 0.0001%"
    if 0 < percent < 0.01:
        return f"{percent:.2g}%"  # a chance of 0.0035%, not "0.00%"
    if 0 < 100 - percent < 0.01:
        return "over 99.99%"
    if abs(percent) < 1 or abs(100 - percent) < 1:
        return f"{percent:.2f}%"
    return f"{percent:.1f}%"


def shown_points(value: float, *, signed: bool = True) -> str:
    """A difference of proportions in percentage points: +4.5, -2.4 (one decimal)."""
    points = round(value * 100, 1) + 0.0  # no "-0.0"
    return f"{points:+.1f}" if signed else f"{abs(points):.1f}"


def shown_level(level: float) -> str:
    return f"{level * 100:.1f}".rstrip("0").rstrip(".") + "%"


def shown_count(value: int) -> str:
    return f"{value:,}"


def _plural(count: int, singular: str, plural: str) -> str:
    return f"{shown_count(count)} {singular if count == 1 else plural}"


def _singular(noun: str) -> str:
    """tasks -> task, queries -> query: for "1 task" when the count is one."""
    return noun[:-3] + "y" if noun.endswith("ies") else noun.removesuffix("s")


def answer(bank: Bank, reading: Reading, writer: Writer, chooser: Chooser) -> str:
    """Write a worked answer when the prompt asks a statistics question with its own figures;
    return a plan name such as "figures:interval" (or "" and write nothing)."""
    if reading.topic in _OTHER_TOPICS or "```" in reading.text or not reading.in_english:
        return ""
    question = read_question(reading.text)
    if question is None:
        return ""
    rank = 0 if chooser.setting.brief else EFFORT_RANK.get(chooser.setting.effort, 2)
    say = _Sayer(bank, writer, chooser, rank)
    if isinstance(question, Impossible):
        writer.fills = {"observed": question.observed}
        say("impossible", question.part)
        return "figures:impossible"
    if isinstance(question, Proportion):
        return _interval(question, say)
    if isinstance(question, Difference):
        return _difference(question, say)
    if isinstance(question, GroupSize):
        return _group_size_answer(question, say)
    if isinstance(question, MarginSize):
        return _margin_answer(question, say)
    if isinstance(question, CleanRuns):
        return _clean_runs_answer(question, say)
    if isinstance(question, PassAtK):
        return _pass_answer(question, say)
    return _failures_answer(question, say)


class _Sayer:
    """Says one sampled sentence of a part when the effort reaches it; a part's `<part>_wrong`
    companion in the bank joins its choices as wrong alternatives (counted by the chooser)."""

    def __init__(self, bank: Bank, writer: Writer, chooser: Chooser, rank: int) -> None:
        self.bank = bank
        self.writer = writer
        self.chooser = chooser
        self.rank = rank

    def __call__(self, kind: str, part: str, *, effort: int = 0, paragraph: bool = False) -> None:
        if effort > self.rank:
            return
        options = self.bank.framing(kind, part) + tuple(
            _as_wrong(a) for a in self.bank.framing(kind, part + "_wrong")
        )
        if options:
            index = self.chooser.pick(f"figures/{kind}/{part}", options)
            self.writer.say(options[index].text, paragraph=paragraph)


def _as_wrong(alternative: Alternative) -> Alternative:
    return replace(alternative, correct=False)


def _proportion_fills(question: Proportion) -> dict[str, str]:
    interval = wilson(question.rate, question.n, question.level)
    noun = f" {question.noun}" if question.noun else ""
    sample = f"{shown_count(question.n)}{noun}" if noun else f"n = {shown_count(question.n)}"
    simple = wald(question.rate, question.n, question.level)
    return {
        "sample": sample,
        "n": shown_count(question.n),
        "estimate": shown_percent(question.rate),
        "level": shown_level(question.level),
        "low": shown_percent(interval.low),
        "high": shown_percent(interval.high),
        "half_width": shown_points((interval.high - interval.low) / 2, signed=False),
        "width": shown_points(interval.high - interval.low, signed=False),
        "n_quadruple": shown_count(4 * question.n),
        "z": f"{z_value(question.level):.3g}",
        # Wald's limits shown as computed, even below 0%: that is the trouble with them.
        "wald_low": shown_percent(simple.low),
        "wald_high": shown_percent(simple.high),
    }


def _interval(question: Proportion, say: _Sayer) -> str:
    say.writer.fills = fills = _proportion_fills(question)
    say("proportion", "result")
    if question.rate in (0, 1) and question.n >= RULE_OF_THREE_FROM:
        fills["rule_of_three"] = shown_percent(min(3 / question.n, 1.0))
        fills["rule_of_three_floor"] = shown_percent(max(1 - 3 / question.n, 0.0))
        say("proportion", "zero" if question.rate == 0 else "all")
    if question.wald_asked:
        simple = wald(question.rate, question.n, question.level)
        score = wilson(question.rate, question.n, question.level)
        # Within half a point at both ends the two are the same answer to a reader.
        close = max(abs(simple.low - score.low), abs(simple.high - score.high)) < 0.005
        close = close and simple.low >= 0 and simple.high <= 1
        say("proportion", "wald_close" if close else "wald_far", paragraph=True)
    else:
        say("proportion", "why", effort=1, paragraph=True)
    say("proportion", "width", effort=1)
    say("proportion", "method", effort=2, paragraph=True)
    say("proportion", "caveat", effort=2)
    return "figures:interval"


def _described(proportion: Proportion) -> str:
    if proportion.count is not None:
        return f"{shown_percent(proportion.rate)} ({proportion.count}/{proportion.n})"
    return f"{shown_percent(proportion.rate)} (n = {shown_count(proportion.n)})"


def _difference(question: Difference, say: _Sayer) -> str:
    # Said as the higher rate against the lower: "new 82% vs old 80%" and "A 78% vs B 82%" give
    # the order in opposite senses, and a reply must not get the direction backwards.
    lower, higher = question.first, question.second
    if higher.rate < lower.rate:
        lower, higher = higher, lower
    interval = newcombe(lower.rate, lower.n, higher.rate, higher.n, question.level)
    say.writer.fills = {
        "lower": _described(lower),
        "higher": _described(higher),
        "difference": shown_points(higher.rate - lower.rate),
        "gap": shown_points(higher.rate - lower.rate, signed=False),
        "low": shown_points(interval.low),
        "high": shown_points(interval.high),
        "level": shown_level(question.level),
    }
    say("difference", "result")
    excludes = interval.low > 0 or interval.high < 0
    say("difference", "excludes_zero" if excludes else "includes_zero")
    say("difference", "method", effort=2, paragraph=True)
    say("difference", "paired", effort=0 if question.same_items else 1, paragraph=True)
    say("difference", "caveat", effort=2)
    return "figures:difference"


def _group_size_answer(question: GroupSize, say: _Sayer) -> str:
    n = per_group(
        question.baseline,
        question.target,
        alpha=question.alpha,
        power=question.power,
        sides=question.sides,
    )
    say.writer.fills = {
        "baseline": shown_percent(question.baseline),
        "target": shown_percent(question.target),
        "effect": shown_points(abs(question.target - question.baseline), signed=False),
        "alpha": f"{question.alpha:g}",
        "power": shown_level(question.power),
        "sided": "two-sided" if question.sides == 2 else "one-sided",
        "n_per_group": shown_count(n),
        "n_total": shown_count(2 * n),
        "noun": question.noun,
    }
    if question.baseline_assumed:
        say("sample_size", "assumed_baseline")
    if question.effect_reading:
        say("sample_size", f"read_as_{question.effect_reading}")
    say("sample_size", "result")
    say("sample_size", "formula", effort=2, paragraph=True)
    say("sample_size", "paired", effort=1, paragraph=True)
    say("sample_size", "caveat", effort=2)
    return "figures:sample_size"


def _margin_answer(question: MarginSize, say: _Sayer) -> str:
    n = for_margin(question.rate, question.margin, question.level)
    say.writer.fills = {
        "rate": shown_percent(question.rate),
        "margin": shown_points(question.margin, signed=False),
        "level": shown_level(question.level),
        "n": shown_count(n),
        "n_noun": _plural(n, _singular(question.noun), question.noun),
        "z": f"{z_value(question.level):.3g}",
        "noun": question.noun,
    }
    if question.rate_assumed:
        say("margin", "assumed_rate")
    say("margin", "result")
    say("margin", "formula", effort=1)
    say("margin", "caveat", effort=2, paragraph=True)
    return "figures:margin"


def _clean_runs_answer(question: CleanRuns, say: _Sayer) -> str:
    n = clean_runs_needed(question.rate, question.level)
    say.writer.fills = {
        "rate": shown_percent(question.rate),
        "level": shown_level(question.level),
        "n": shown_count(n),
        "runs_needed": _plural(n, "run", "runs"),
        "chance": shown_percent((1 - question.rate) ** n),
        "rule_of_three": shown_count(math.ceil(3 / question.rate - 1e-9)),
    }
    say("clean_runs", "result")
    say("clean_runs", "why", effort=1)
    say("clean_runs", "caveat", effort=2, paragraph=True)
    return "figures:clean_runs"


def _pass_answer(question: PassAtK, say: _Sayer) -> str:
    fills = say.writer.fills = {}
    asked_at = question.at or not question.hat
    if question.n is not None and question.c is not None:
        n, c = question.n, question.c
        fills.update({"n": str(n), "c": str(c), "n_samples": _plural(n, "sample", "samples")})
        if max(question.ks) > n:
            fills.update(_k_fills(max(question.ks)))
            say("pass_at_k", "too_few")
            return "figures:pass_at_k"
        for k in question.ks:
            fills.update(_k_fills(k))
            fills["pass_at_k"] = shown_percent(pass_at_k(n, c, k))
            fills["pass_hat_k"] = shown_percent(pass_hat_k(n, c, k))
            if asked_at:
                say("pass_at_k", "at_result")
            if question.hat:
                say("pass_at_k", "hat_result")
        say("pass_at_k", "formula", effort=1, paragraph=True)
    else:
        rate = question.rate if question.rate is not None else 0.0
        fills["rate"] = shown_percent(rate)
        for k in question.ks:
            fills.update(_k_fills(k))
            fills["pass_at_k"] = shown_percent(1 - (1 - rate) ** k)
            fills["pass_hat_k"] = shown_percent(rate**k)
            if asked_at:
                say("pass_at_k", "rate_at")
            if question.hat:
                say("pass_at_k", "rate_hat")
        say("pass_at_k", "rate_caveat", effort=1, paragraph=True)
    say("pass_at_k", "caveat", effort=2)
    return "figures:pass_at_k"


def _k_fills(k: int) -> dict[str, str]:
    return {
        "k": str(k),
        "k_samples": _plural(k, "sample", "samples"),
        "k_attempts": _plural(k, "attempt", "attempts"),
    }


def _failures_answer(question: Failures, say: _Sayer) -> str:
    runs_noun = question.noun if question.noun.endswith("s") else question.noun + "s"
    fills = say.writer.fills = {
        "failures": _plural(question.failures, "failure", "failures"),
        "runs": _plural(question.runs, _singular(runs_noun), runs_noun),
        "clean_runs": _plural(question.runs, "clean run", "clean runs"),
        "n": shown_count(question.runs),
        "level": shown_level(question.level),
    }
    if question.failures == 0:
        fills["upper"] = shown_percent(min(3 / question.runs, 1.0))
        fills["exact_upper"] = shown_percent(zero_failure_bound(question.runs))
        say("failures", "zero" if question.runs >= RULE_OF_THREE_FROM else "zero_few")
        if question.old_rate is not None:
            chance = (1 - question.old_rate) ** question.runs
            fills["old_rate"] = shown_percent(question.old_rate)
            fills["chance"] = shown_percent(chance)
            needed = clean_runs_needed(question.old_rate)
            fills["needed_runs"] = _plural(needed, "clean run", "clean runs")
            part = "old_rate_convincing" if chance < 0.05 else "old_rate_weak"
            say("failures", part, effort=0, paragraph=True)
        else:
            say("failures", "zero_fixed", effort=1, paragraph=True)
        say("failures", "zero_caveat", effort=2)
        return "figures:failures"
    rate = question.failures / question.runs
    interval = wilson(rate, question.runs, question.level)
    fills.update(
        {
            "rate": shown_percent(rate),
            "low": shown_percent(interval.low),
            "high": shown_percent(interval.high),
            "one_in": shown_count(round(1 / rate)) if rate > 0 else "",
        }
    )
    say("failures", "result")
    if question.target is not None:
        fills["target"] = shown_percent(question.target)
        below = interval.high < question.target
        say("failures", "below_target" if below else "not_below_target")
    say("failures", "why", effort=1)
    say("failures", "caveat", effort=2, paragraph=True)
    return "figures:failures"
