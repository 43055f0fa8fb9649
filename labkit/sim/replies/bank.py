"""The reply bank: answer plans written for the project, read from datasets/replies.

A topic file (datasets/replies/topics/<id>.toml) holds what users say when they ask about the
topic (`examples`, the intent classifier's training data), what the model thinks first
(`thinking`) and several answer plans. A plan is a list of steps; each step offers alternatives,
correct ones (`say`) and plausible wrong ones (`wrong`), of which the composer says one. Adding a
topic is adding a file: nothing here names a topic except the special cases the engine treats
differently (code answers and summaries), which are marked by keys in their files. Named things
explained on request live in concepts/*.toml (loaded by concepts.py, which builds on the classes
here).

Loading validates everything and reports the first problem as a BankError naming the file, in one
line, so that an instructor who adds a topic sees what to fix.
"""

from __future__ import annotations

import functools
import os
import tomllib
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from labkit.sim.catalog import EFFORTS

if TYPE_CHECKING:  # concepts.py builds on the classes here, so it is imported where it is used
    from labkit.sim.replies.concepts import Concepts

BANK_ENV = "LABKIT_REPLIES_DIR"
KINDS = frozenset({"domain", "general"})
STYLES = frozenset({"howto", "explain", "any"})
WHEN = frozenset({"always", "content", "no_content", "other_language"})
# The ways of asking for more of the earlier answer (more, example, simpler, why), or for a new
# version of it: shorter, as a list, or another one ("another one", "a different joke").
FOLLOWUP_MODES = ("more", "example", "simpler", "why", "shorter", "list", "another")
CODE_KINDS = frozenset(
    {"correct", "off_by_one", "missed_edge_case", "wrong_type", "wrong_algorithm", "raises"}
)
PREAMBLE_EFFORTS = ("low", "medium", "high")
EFFORT_RANK = {effort: rank for rank, effort in enumerate(EFFORTS)}

_TOPIC_KEYS = frozenset(
    {
        "id",
        "kind",
        "title",
        "subject_default",
        "examples",
        "thinking",
        "plans",
        "followup",
        # write_code's extra keys: the parts around a code block, and the snippet bank
        "intro",
        "outro",
        "caveat",
        "unmatched",
        "snippets",
        # the plan said, after an honest word on scope, to a question about things the bank
        # does not know (compose.py)
        "general_plan",
    }
)
_PLAN_KEYS = frozenset({"name", "style", "correct", "weight", "steps", "when", "match", "asks"})
_STEP_KEYS = frozenset({"say", "wrong", "effort", "paragraph", "optional", "code", "lang"})
_SNIPPET_KEYS = frozenset({"name", "match", "variants", "lang"})
# Languages a snippet may be written in (the fence's info string); Python is compiled on load.
SNIPPET_LANGS = frozenset({"python", "bash", "sql", "javascript", "typescript"})
_VARIANT_KEYS = frozenset({"kind", "code", "note"})
_PREAMBLE_KEYS = frozenset({"tool", "effort", "say", "after_failure"})


class BankError(ValueError):
    """A bank file is malformed; str() names the file and the problem in one line."""

    def __init__(self, path: Path, problem: str) -> None:
        super().__init__(f"{_display(path)}: {problem}")
        self.path = path
        self.problem = problem


@dataclass(frozen=True)
class Alternative:
    text: str
    weight: float = 1.0
    weighted: bool = False  # the author gave a weight: keep it exact (an authored near-tie)
    correct: bool = True


@dataclass(frozen=True)
class Step:
    alternatives: tuple[Alternative, ...] = ()
    code: str | None = None
    lang: str = "python"
    effort: int = 0  # rank in EFFORTS: the lowest effort that says this step
    paragraph: bool = False
    optional: bool = False

    @property
    def has_wrong(self) -> bool:
        return any(not a.correct for a in self.alternatives)


@dataclass(frozen=True)
class Plan:
    name: str
    steps: tuple[Step, ...]
    style: str = "any"
    correct: bool = True
    weight: float = 1.0
    when: str = "always"
    match: tuple[str, ...] = ()  # phrases that show a prompt asks what this plan answers
    # Questions, as people phrase them, that this plan answers: a prompt close to one of them is
    # asked for this plan (and they teach the topic classifier too). Correct plans only.
    asks: tuple[str, ...] = ()


@dataclass(frozen=True)
class Variant:
    kind: str
    code: str
    note: str

    @property
    def correct(self) -> bool:
        return self.kind == "correct"


@dataclass(frozen=True)
class Snippet:
    name: str
    match: tuple[str, ...]
    variants: tuple[Variant, ...]
    lang: str = "python"


@dataclass(frozen=True, eq=False)  # identity equality: a topic can key the caches of its plans
class Topic:
    id: str
    kind: str
    title: str
    subject_default: str
    examples: tuple[str, ...]
    thinking: tuple[str, ...]
    plans: tuple[Plan, ...]
    followups: dict[str, tuple[Step, ...]]
    path: Path
    intro: tuple[Alternative, ...] = ()
    outro: tuple[Alternative, ...] = ()
    caveat: tuple[Alternative, ...] = ()
    unmatched: tuple[Alternative, ...] = ()  # said with a skeleton when no snippet matches
    snippets: tuple[Snippet, ...] = ()
    general_plan: Plan | None = None

    @property
    def writes_code(self) -> bool:
        return bool(self.snippets) or bool(self.intro)


@dataclass(frozen=True)
class FollowupMode:
    id: str
    examples: tuple[str, ...]
    steps: tuple[Step, ...]  # said when the earlier answer gives nothing to work with
    # Sentences that introduce a version of the earlier answer ("In short: {short}"); the
    # placeholders are the ones labkit/sim/replies/followup.py fills for the mode.
    frame: tuple[Alternative, ...] = ()


@dataclass(frozen=True)
class Preamble:
    tool: str
    effort: str
    after_failure: bool
    alternatives: tuple[Alternative, ...]


@dataclass(frozen=True)
class Bank:
    folder: Path
    topics: dict[str, Topic]
    followups: dict[str, FollowupMode]
    preambles: tuple[Preamble, ...] = ()
    thinking: tuple[str, ...] = ()  # generic reasoning lines (thinking.toml)
    final: tuple[Alternative, ...] = ()  # an agent's closing note after its last tool call
    # The sentences around answers about the user's own code (code_answers.toml): kind -> part
    # -> alternatives, e.g. code_answers["tests"]["intro"].
    code_answers: dict[str, dict[str, tuple[Alternative, ...]]] = field(default_factory=dict)
    # Named things explained on request (concepts/*.toml, labkit/sim/replies/concepts.py).
    concepts: Concepts | None = None
    extra: dict[str, Any] = field(default_factory=dict)

    def framing(self, kind: str, part: str) -> tuple[Alternative, ...]:
        return self.code_answers.get(kind, {}).get(part, ())

    def preamble(self, tool: str, effort: str, after_failure: bool) -> tuple[Alternative, ...]:
        """The notes for a tool call, falling back to the `default` tool and to any effort."""
        bucket = effort if effort in PREAMBLE_EFFORTS else "high"
        for name in (tool, "default"):
            for failure in (after_failure, False):
                found = [
                    a
                    for p in self.preambles
                    if p.tool == name and p.effort == bucket and p.after_failure == failure
                    for a in p.alternatives
                ]
                if found:
                    return tuple(found)
        return ()


def default_bank_path() -> Path:
    """$LABKIT_REPLIES_DIR if set, else the repository's datasets/replies next to labkit/."""
    override = os.environ.get(BANK_ENV)
    if override:
        return Path(override).expanduser()
    return Path(__file__).resolve().parents[3] / "datasets" / "replies"


def load_bank(path: Path | None = None) -> Bank:
    """The bank under `path` (default: default_bank_path()), loaded once per folder and process."""
    return _load_cached(Path(default_bank_path() if path is None else path).resolve())


@functools.cache
def _load_cached(folder: Path) -> Bank:
    topics_dir = folder / "topics"
    if not topics_dir.is_dir():
        raise BankError(topics_dir, "the reply bank's topics folder is missing")
    files = sorted(p for p in topics_dir.glob("*.toml") if not p.name.startswith((".", "_")))
    if not files:
        raise BankError(topics_dir, "no topic files (*.toml)")
    topics = {}
    for path in files:
        topic = load_topic(path)
        topics[topic.id] = topic
    followups = _load_followups(folder / "followups.toml")
    preambles, final = _load_agent(folder / "agent.toml")
    thinking: tuple[str, ...] = ()
    thinking_path = folder / "thinking.toml"
    if thinking_path.exists():
        table = _read_toml(thinking_path)
        thinking = _strings(table, "lines", thinking_path, minimum=1)
    code_answers = _load_code_answers([folder / name for name in ANSWER_FILES])
    from labkit.sim.replies.concepts import CONCEPTS_DIR, load_concepts

    concepts = load_concepts(folder / CONCEPTS_DIR, frozenset(topics))
    return Bank(folder, topics, followups, preambles, thinking, final, code_answers, concepts)


# What each kind of answer about the user's code needs said around it.
CODE_ANSWER_PARTS = {
    "tests": ("intro", "outro"),
    "explain": ("intro", "outro"),
    "review": ("intro", "clean", "outro"),
    "refactor": ("intro", "outro"),
    # The transformations own_code.py carries out on request (reader package): a long if/elif
    # chain as a dispatch table, os.path code in pathlib, type hints and docstrings added.
    "dispatch": ("intro", "outro"),
    "pathlib": ("intro", "differences", "outro"),
    "annotate": ("intro", "outro"),
    "arithmetic": ("answer", "unanswerable"),
    # Drafts written from the user's own facts (drafts.toml, labkit/sim/replies/drafts.py).
    "draft_message": ("intro", "greeting", "closing", "tip"),
    "draft_summary": ("intro", "tip"),
    "draft_commit": ("intro", "tip"),
    "dates": ("weekday", "between"),  # calendar arithmetic (dates.py), in drafts.toml
    # Said before a topic's general plan to a question about things the bank does not know
    # (scope.toml, compose.py): which things, and that a guess would be worse than none.
    "scope": ("unknown",),
    # Worked answers to statistics questions that carry their own figures (figures.toml,
    # labkit/sim/replies/figures.py); a `<part>_wrong` part holds wrong alternatives of <part>.
    "proportion": (
        "result",
        "why",
        "why_wrong",
        "width",
        "method",
        "caveat",
        "zero",
        "all",
        "wald_close",
        "wald_far",
    ),
    "impossible": ("more_than_all", "nothing_run"),
    "difference": ("result", "excludes_zero", "includes_zero", "method", "paired", "caveat"),
    "sample_size": (
        "result",
        "formula",
        "assumed_baseline",
        "read_as_points",
        "read_as_relative",
        "paired",
        "caveat",
    ),
    "margin": ("result", "formula", "assumed_rate", "caveat"),
    "clean_runs": ("result", "why", "caveat"),
    "failures": (
        "result",
        "below_target",
        "not_below_target",
        "why",
        "caveat",
        "zero",
        "zero_few",
        "zero_wrong",
        "zero_fixed",
        "old_rate_convincing",
        "old_rate_weak",
        "zero_caveat",
    ),
    "pass_at_k": (
        "at_result",
        "hat_result",
        "formula",
        "rate_at",
        "rate_hat",
        "rate_caveat",
        "too_few",
        "caveat",
    ),
}


# The files that hold those sentences: answers about code, and answers worked out from the
# figures in a statistics question.
ANSWER_FILES = ("code_answers.toml", "figures.toml", "drafts.toml", "scope.toml")


def _load_code_answers(paths: Sequence[Path]) -> dict[str, dict[str, tuple[Alternative, ...]]]:
    out: dict[str, dict[str, tuple[Alternative, ...]]] = {}
    present = [path for path in paths if path.exists()]
    for path in present:
        table = _read_toml(path)
        _no_unknown(table, frozenset(CODE_ANSWER_PARTS), path, "")
        for kind, raw in table.items():
            if kind in out:
                raise BankError(path, f"[{kind}] is already given in another answers file")
            parts = CODE_ANSWER_PARTS[kind]
            if not isinstance(raw, dict):
                raise BankError(path, f"[{kind}] must be a table (it needs {', '.join(parts)})")
            _no_unknown(raw, frozenset(parts), path, kind)
            out[kind] = {
                part: _alternatives(raw.get(part), path, f"{kind}.{part}") for part in parts
            }
    if present:
        for kind, parts in CODE_ANSWER_PARTS.items():
            if kind not in out:
                raise BankError(present[0], f"[{kind}] is missing (it needs {', '.join(parts)})")
    return out


def load_topic(path: Path) -> Topic:
    """Load and validate one topic file; raise BankError naming the file on any problem."""
    table = _read_toml(path)
    _no_unknown(table, _TOPIC_KEYS, path, "")
    topic_id = _get(table, "id", str, path)
    if topic_id != path.stem:
        raise BankError(path, f"id {topic_id!r} does not match the file name {path.stem!r}")
    kind = _get(table, "kind", str, path)
    if kind not in KINDS:
        raise BankError(path, f"kind {kind!r} is not one of {sorted(KINDS)}")
    examples = _strings(table, "examples", path, minimum=5)
    thinking = _strings(table, "thinking", path, minimum=1)
    plans = tuple(
        _plan(raw, path, f"plans[{i}]") for i, raw in enumerate(_tables(table, "plans", path))
    )
    intro = _alternatives(table.get("intro", []), path, "intro", allow_empty=True)
    snippets = tuple(
        _snippet(raw, path, f"snippets[{i}]")
        for i, raw in enumerate(_tables(table, "snippets", path))
    )
    if not plans and not intro:
        raise BankError(path, "no [[plans]] (a topic needs at least one answer plan)")
    followup_table = table.get("followup", {})
    if not isinstance(followup_table, dict):
        raise BankError(path, "followup must be a table of [[followup.<mode>]] steps")
    followups: dict[str, tuple[Step, ...]] = {}
    for mode, steps in followup_table.items():
        if mode not in FOLLOWUP_MODES:
            raise BankError(
                path, f"followup.{mode}: unknown mode (use {', '.join(FOLLOWUP_MODES)})"
            )
        if not isinstance(steps, list) or not steps:
            raise BankError(path, f"followup.{mode} must be a list of steps ([[followup.{mode}]])")
        followups[mode] = tuple(
            _step(s, path, f"followup.{mode}[{i}]") for i, s in enumerate(steps)
        )
    general_plan = None
    if "general_plan" in table:
        name = _get(table, "general_plan", str, path)
        general_plan = next((p for p in plans if p.name == name and p.correct), None)
        if general_plan is None:
            raise BankError(path, f"general_plan {name!r} is not the name of a correct plan")
    return Topic(
        id=topic_id,
        kind=kind,
        title=_get(table, "title", str, path),
        subject_default=_get(table, "subject_default", str, path),
        examples=examples,
        thinking=thinking,
        plans=plans,
        followups=followups,
        path=path,
        intro=intro,
        outro=_alternatives(table.get("outro", []), path, "outro", allow_empty=True),
        caveat=_alternatives(table.get("caveat", []), path, "caveat", allow_empty=True),
        unmatched=_alternatives(table.get("unmatched", []), path, "unmatched", allow_empty=True),
        snippets=snippets,
        general_plan=general_plan,
    )


def _plan(raw: dict[str, Any], path: Path, where: str) -> Plan:
    _no_unknown(raw, _PLAN_KEYS, path, where)
    steps = tuple(
        _step(s, path, f"{where}.steps[{i}]") for i, s in enumerate(_tables(raw, "steps", path))
    )
    if not steps:
        raise BankError(path, f"{where} ({raw.get('name', '?')}): a plan needs steps")
    if steps[0].effort != 0:
        raise BankError(path, f"{where}.steps[0]: the first step must be said at every effort")
    style = raw.get("style", "any")
    if style not in STYLES:
        raise BankError(path, f"{where}: style {style!r} is not one of {sorted(STYLES)}")
    when = raw.get("when", "always")
    if when not in WHEN:
        raise BankError(path, f"{where}: when {when!r} is not one of {sorted(WHEN)}")
    return Plan(
        name=_get(raw, "name", str, path, where),
        steps=steps,
        style=style,
        correct=_get(raw, "correct", bool, path, where, default=True),
        weight=_weight(raw.get("weight", 1.0), path, where),
        when=when,
        match=_strings(raw, "match", path, minimum=1, where=where) if "match" in raw else (),
        asks=_asks(raw, path, where),
    )


def _asks(raw: dict[str, Any], path: Path, where: str) -> tuple[str, ...]:
    if "asks" not in raw:
        return ()
    if not _get(raw, "correct", bool, path, where, default=True):
        # A wrong plan wins when skill fails, never because a prompt asked for it.
        raise BankError(path, f"{where}: a plan with correct = false cannot have asks")
    return _strings(raw, "asks", path, minimum=1, where=where)


def _step(raw: Any, path: Path, where: str) -> Step:
    if not isinstance(raw, dict):
        raise BankError(path, f"{where}: a step must be a table")
    _no_unknown(raw, _STEP_KEYS, path, where)
    effort = raw.get("effort", "low")
    if effort not in EFFORT_RANK:
        raise BankError(path, f"{where}: effort {effort!r} is not one of {', '.join(EFFORTS)}")
    code = raw.get("code")
    if code is not None:
        if not isinstance(code, str) or not code.strip():
            raise BankError(path, f"{where}: code must be a non-empty string")
        if "say" in raw or "wrong" in raw:
            raise BankError(path, f"{where}: a code step has no say/wrong alternatives")
        return Step(
            code=code.strip("\n"),
            lang=_get(raw, "lang", str, path, where, default="python"),
            effort=EFFORT_RANK[effort],
            paragraph=True,
            optional=_get(raw, "optional", bool, path, where, default=False),
        )
    says = _alternatives(raw.get("say"), path, f"{where}.say")
    wrongs = _alternatives(raw.get("wrong", []), path, f"{where}.wrong", allow_empty=True)
    return Step(
        alternatives=says + tuple(_as_wrong(a) for a in wrongs),
        effort=EFFORT_RANK[effort],
        paragraph=_get(raw, "paragraph", bool, path, where, default=False),
        optional=_get(raw, "optional", bool, path, where, default=False),
    )


def _as_wrong(alternative: Alternative) -> Alternative:
    return Alternative(alternative.text, alternative.weight, alternative.weighted, correct=False)


def _alternatives(
    raw: Any, path: Path, where: str, *, allow_empty: bool = False
) -> tuple[Alternative, ...]:
    if raw is None or (isinstance(raw, list) and not raw and not allow_empty):
        raise BankError(path, f"{where}: needs at least one alternative")
    if not isinstance(raw, list):
        raise BankError(path, f"{where} must be a list of strings or {{ text, weight }} tables")
    out = []
    for i, item in enumerate(raw):
        if isinstance(item, str):
            text, weight, weighted = item, 1.0, False
        elif isinstance(item, dict) and set(item) <= {"text", "weight"} and "text" in item:
            text = item["text"]
            weight, weighted = _weight(item.get("weight", 1.0), path, f"{where}[{i}]"), True
        else:
            raise BankError(
                path, f"{where}[{i}]: expected a string or {{ text = ..., weight = ... }}"
            )
        if not isinstance(text, str) or not text.strip():
            raise BankError(path, f"{where}[{i}]: empty text")
        out.append(Alternative(text.strip(), weight, weighted))
    return tuple(out)


def _snippet(raw: dict[str, Any], path: Path, where: str) -> Snippet:
    _no_unknown(raw, _SNIPPET_KEYS, path, where)
    name = _get(raw, "name", str, path, where)
    match = _strings(raw, "match", path, minimum=1, where=where)
    lang = raw.get("lang", "python")
    if lang not in SNIPPET_LANGS:
        raise BankError(
            path, f"{where} ({name}): lang {lang!r} is not one of {sorted(SNIPPET_LANGS)}"
        )
    variants = []
    for i, variant in enumerate(_tables(raw, "variants", path)):
        here = f"{where}.variants[{i}]"
        _no_unknown(variant, _VARIANT_KEYS, path, here)
        kind = _get(variant, "kind", str, path, here)
        if kind not in CODE_KINDS:
            raise BankError(path, f"{here}: kind {kind!r} is not one of {sorted(CODE_KINDS)}")
        code = _get(variant, "code", str, path, here).strip("\n")
        try:
            if lang == "python":
                compile(code, f"{path.name}:{name}", "exec")
        except SyntaxError as error:
            raise BankError(
                path, f"{here} ({name}): the code does not compile: {error.msg}"
            ) from None
        variants.append(Variant(kind, code, _get(variant, "note", str, path, here).strip()))
    if sum(v.correct for v in variants) != 1:
        raise BankError(path, f"{where} ({name}): needs exactly one variant of kind 'correct'")
    return Snippet(name, tuple(m.lower() for m in match), tuple(variants), lang)


def _load_followups(path: Path) -> dict[str, FollowupMode]:
    if not path.exists():
        return {}
    table = _read_toml(path)
    modes = table.get("modes", {})
    if not isinstance(modes, dict):
        raise BankError(path, "expected [modes.<mode>] tables")
    out = {}
    for mode, raw in modes.items():
        if mode not in FOLLOWUP_MODES:
            raise BankError(path, f"modes.{mode}: unknown mode (use {', '.join(FOLLOWUP_MODES)})")
        if not isinstance(raw, dict):
            raise BankError(path, f"modes.{mode} must be a table")
        steps = tuple(
            _step(s, path, f"modes.{mode}.steps[{i}]")
            for i, s in enumerate(_tables(raw, "steps", path))
        )
        _no_unknown(raw, frozenset({"examples", "steps", "frame"}), path, f"modes.{mode}")
        frame = _alternatives(raw.get("frame", []), path, f"modes.{mode}.frame", allow_empty=True)
        out[mode] = FollowupMode(mode, _strings(raw, "examples", path, minimum=5), steps, frame)
    return out


def _load_agent(path: Path) -> tuple[tuple[Preamble, ...], tuple[Alternative, ...]]:
    if not path.exists():
        return (), ()
    table = _read_toml(path)
    preambles = []
    for i, raw in enumerate(_tables(table, "preamble", path)):
        where = f"preamble[{i}]"
        _no_unknown(raw, _PREAMBLE_KEYS, path, where)
        effort = _get(raw, "effort", str, path, where)
        if effort not in PREAMBLE_EFFORTS:
            raise BankError(path, f"{where}: effort {effort!r} is not one of {PREAMBLE_EFFORTS}")
        preambles.append(
            Preamble(
                tool=_get(raw, "tool", str, path, where),
                effort=effort,
                after_failure=_get(raw, "after_failure", bool, path, where, default=False),
                alternatives=_alternatives(raw.get("say"), path, f"{where}.say"),
            )
        )
    final = _alternatives(table.get("final", []), path, "final", allow_empty=True)
    return tuple(preambles), final


# -- small readers -----------------------------------------------------------------------------
def _read_toml(path: Path) -> dict[str, Any]:
    try:
        with path.open("rb") as handle:
            return tomllib.load(handle)
    except FileNotFoundError:
        raise BankError(path, "file not found") from None
    except tomllib.TOMLDecodeError as error:
        raise BankError(path, f"not valid TOML: {error}") from None
    except UnicodeDecodeError:
        raise BankError(path, "not UTF-8 text") from None


def _no_unknown(table: dict[str, Any], known: frozenset[str], path: Path, where: str) -> None:
    unknown = sorted(set(table) - known)
    if unknown:
        place = f"{where}: " if where else ""
        raise BankError(
            path, f"{place}unknown key {unknown[0]!r} (known: {', '.join(sorted(known))})"
        )


def _get(
    table: dict[str, Any],
    key: str,
    kind: type,
    path: Path,
    where: str = "",
    default: Any = None,
) -> Any:
    place = f"{where}." if where else ""
    if key not in table:
        if default is not None:
            return default
        raise BankError(path, f"missing key {place}{key}")
    value = table[key]
    if not isinstance(value, kind) or (isinstance(value, str) and not value.strip()):
        raise BankError(path, f"{place}{key} must be a non-empty {kind.__name__}")
    return value


def _strings(
    table: dict[str, Any], key: str, path: Path, *, minimum: int, where: str = ""
) -> tuple[str, ...]:
    place = f"{where}." if where else ""
    value = table.get(key)
    if not isinstance(value, list) or not all(isinstance(v, str) and v.strip() for v in value):
        raise BankError(path, f"{place}{key} must be a list of non-empty strings")
    if len(value) < minimum:
        raise BankError(path, f"{place}{key}: at least {minimum} needed, found {len(value)}")
    return tuple(v.strip() for v in value)


def _tables(table: dict[str, Any], key: str, path: Path) -> list[dict[str, Any]]:
    value = table.get(key, [])
    if not isinstance(value, list) or not all(isinstance(v, dict) for v in value):
        raise BankError(path, f"{key} must be an array of tables ([[{key}]])")
    return value


def _weight(value: Any, path: Path, where: str) -> float:
    if isinstance(value, bool) or not isinstance(value, int | float) or not value > 0:
        raise BankError(path, f"{where}: weight must be a number > 0")
    return float(value)


def _display(path: Path) -> str:
    try:
        return str(path.resolve().relative_to(Path.cwd()))
    except ValueError:
        return str(path)
