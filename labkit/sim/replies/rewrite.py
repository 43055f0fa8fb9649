"""Pasted text rewritten in another tone: "make this sound more professional: hey so we're ...".

A plan about tone in general answers no such request: the user wants their own text back, changed.
The simulator does not understand the text, so the rewrite is rule-based and honest about it. The
request names a tone (professional, polite, less passive-aggressive, concise ...); the tone names
rule groups; each group is a list of regular expressions with replacements, written as data in
datasets/replies/rewrite.toml (slang spelled out, pointed openers such as "Per my last email,"
dropped, "Fix this." turned into "Could you please fix this?", filler cut, shouting calmed). Rules
only remove, soften or spell out what the user wrote, so names, numbers, dates and times pass
through untouched; code spans, links, e-mail addresses and @handles are never matched at all.

The reply frames the rewritten text, quotes it, and says in one sentence what the groups that
fired changed. When none fired it says the text already reads that way, and never pretends.
"""

from __future__ import annotations

import functools
import re
import tomllib
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from labkit.sim.replies import reader, summary
from labkit.sim.replies.bank import EFFORT_RANK, Alternative, Bank, BankError
from labkit.sim.replies.compose import Chooser, Writer, ends_a_sentence, say_one
from labkit.sim.replies.intent import Reading

REWRITE_FILE = "rewrite.toml"
MAX_REQUEST_WORDS = 40  # a longer "request" is text that happens to say "rewrite"
MIN_MATERIAL_WORDS = 2
MAX_NAMED = 4  # changes named in the sentence about them; the rest are summed up
MAX_LISTED = 3  # matches quoted per change ("'gonna', 'prob' and 'lmk'")
START_WORDS = 6  # words of a long sentence quoted to point at it
BUILTINS = frozenset({"capitals", "caps", "full_stop", "closing"})
FULL_STOP_WORDS = 4  # a shorter last line ("Cheers", "Thanks, Sam") is a sign-off, not a sentence
MEDIUM = EFFORT_RANK["medium"]
HIGH = EFFORT_RANK["high"]

# -- the style book (rewrite.toml) ---------------------------------------------------------------
_TOP_KEYS = frozenset(
    {
        "default_tone",
        "long_sentence_words",
        "changed",
        "small_fixes",
        "nothing_left",
        "outro",
        "keep_caps",
        "keep_lowercase",
        "signoffs",
        "tones",
        "suggestions",
        "groups",
    }
)
_TONE_KEYS = frozenset({"id", "cues", "groups", "intro", "unchanged", "closing", "suggest", "tip"})
_GROUP_KEYS = frozenset({"change", "change_many", "rules", "builtin", "shout", "minor"})
_RULE_KEYS = frozenset({"find", "replace", "exact_case", "scope", "lower", "say"})
_TEMPLATE_REF = re.compile(r"\\g<(\w+)>|\\(\d)")
_CHANGE_FILLS = frozenset({"found", "pairs"})


@dataclass(frozen=True)
class Rule:
    pattern: re.Pattern[str]
    replace: str
    sentence: bool = False  # matched against each sentence on its own
    lower: str = ""  # a group of the match written in lower case in the replacement
    say: str = ""  # how a match is named in the sentence about the changes


@dataclass(frozen=True)
class Group:
    id: str
    change: str  # a clause of the sentence about the changes: "spelled out {found}"
    change_many: str = ""  # ... when the group fired more than once
    rules: tuple[Rule, ...] = ()
    builtin: str = ""
    shout: frozenset[str] = frozenset()  # short words that are shouted, not acronyms, in capitals
    minor: bool = False  # named after the changes a reader cares about


@dataclass(frozen=True)
class Tone:
    id: str
    cues: tuple[re.Pattern[str], ...]
    groups: frozenset[str]
    intro: tuple[Alternative, ...]
    unchanged: tuple[Alternative, ...]
    closing: tuple[Alternative, ...] = ()
    suggest: tuple[str, ...] = ()
    tip: tuple[Alternative, ...] = ()


@dataclass(frozen=True, eq=False)
class StyleBook:
    tones: dict[str, Tone]  # in file order: the first of two cues at one place wins
    groups: dict[str, Group]  # in the order they are applied
    default_tone: str
    changed: tuple[Alternative, ...]
    small_fixes: tuple[Alternative, ...]  # the framing when only minor groups fired
    nothing_left: tuple[Alternative, ...]  # when the rules removed every word
    outro: tuple[Alternative, ...]
    keep_caps: frozenset[str]
    keep_lowercase: frozenset[str]
    signoffs: tuple[re.Pattern[str], ...]
    suggestions: dict[str, tuple[Alternative, ...]]
    long_sentence_words: int = 30


@functools.lru_cache(maxsize=16)  # asked on every request: look at the disk once per folder
def style_book(folder: Path) -> StyleBook | None:
    """The style book of a reply bank's folder; None when the bank has no rewrite.toml."""
    path = folder / REWRITE_FILE
    return load_style_book(path) if path.exists() else None


@functools.cache
def load_style_book(path: Path) -> StyleBook:
    """Load and validate rewrite.toml; a problem is a BankError naming the file and the place."""
    try:
        with path.open("rb") as handle:
            table = tomllib.load(handle)
    except tomllib.TOMLDecodeError as error:
        raise BankError(path, f"not valid TOML: {error}") from None
    _known(table, _TOP_KEYS, path, "")
    groups = {
        name: _group(name, raw, path) for name, raw in _table(table, "groups", path, "").items()
    }
    suggestions = {
        name: _alternatives(
            raw.get("say") if isinstance(raw, dict) else None, path, f"suggestions.{name}"
        )
        for name, raw in _table(table, "suggestions", path, "").items()
    }
    tones: dict[str, Tone] = {}
    raw_tones = table.get("tones")
    if not isinstance(raw_tones, list) or not raw_tones:
        raise BankError(path, "tones must be an array of tables ([[tones]])")
    for number, raw in enumerate(raw_tones):
        tone = _tone(raw, path, f"tones[{number}]", groups, suggestions)
        if tone.id in tones:
            raise BankError(path, f"tones[{number}]: the tone {tone.id!r} is given twice")
        tones[tone.id] = tone
    default = table.get("default_tone")
    if default not in tones:
        raise BankError(path, f"default_tone {default!r} is not one of the tones")
    changed = _alternatives(table.get("changed"), path, "changed")
    for key in ("changed", "nothing_left"):
        if not all("{changes}" in a.text for a in _alternatives(table.get(key), path, key)):
            raise BankError(path, f"{key}: every alternative needs {{changes}}")
    words = table.get("long_sentence_words", 30)
    if not isinstance(words, int) or words < 5:
        raise BankError(path, "long_sentence_words must be a whole number of at least 5")
    return StyleBook(
        tones=tones,
        groups=groups,
        default_tone=default,
        changed=changed,
        small_fixes=_alternatives(table.get("small_fixes"), path, "small_fixes"),
        nothing_left=_alternatives(table.get("nothing_left"), path, "nothing_left"),
        outro=_alternatives(table.get("outro"), path, "outro"),
        keep_caps=frozenset(w.upper() for w in _strings(table, "keep_caps", path)),
        keep_lowercase=frozenset(_strings(table, "keep_lowercase", path)),
        signoffs=tuple(
            _compile(p, path, f"signoffs[{i}]", re.I)
            for i, p in enumerate(_strings(table, "signoffs", path))
        ),
        suggestions=suggestions,
        long_sentence_words=words,
    )


def _group(name: str, raw: Any, path: Path) -> Group:
    where = f"groups.{name}"
    if not isinstance(raw, dict):
        raise BankError(path, f"{where} must be a table")
    _known(raw, _GROUP_KEYS, path, where)
    builtin = raw.get("builtin", "")
    if builtin and builtin not in BUILTINS:
        raise BankError(path, f"{where}: builtin {builtin!r} is not one of {sorted(BUILTINS)}")
    rules_raw = raw.get("rules", [])
    if not isinstance(rules_raw, list) or not (rules_raw or builtin):
        raise BankError(path, f"{where}: needs rules (a list of {{ find, replace }}) or a builtin")
    change = raw.get("change")
    if not isinstance(change, str) or not change.strip():
        raise BankError(path, f"{where}: change must say what the group changes")
    for template in (change, raw.get("change_many", "")):
        unknown = set(re.findall(r"\{(\w+)\}", template)) - _CHANGE_FILLS
        if unknown:
            raise BankError(path, f"{where}: unknown placeholder {{{sorted(unknown)[0]}}}")
    return Group(
        id=name,
        change=change.strip(),
        change_many=str(raw.get("change_many", "")).strip(),
        rules=tuple(_rule(r, path, f"{where}.rules[{i}]") for i, r in enumerate(rules_raw)),
        builtin=builtin,
        shout=frozenset(w.upper() for w in _strings(raw, "shout", path, required=False)),
        minor=bool(raw.get("minor", False)),
    )


def _rule(raw: Any, path: Path, where: str) -> Rule:
    if not isinstance(raw, dict) or "find" not in raw or "replace" not in raw:
        raise BankError(path, f"{where}: a rule is {{ find = '...', replace = '...' }}")
    _known(raw, _RULE_KEYS, path, where)
    flags = re.M if raw.get("exact_case") else re.M | re.I
    pattern = _compile(raw["find"], path, where, flags)
    replace = raw["replace"]
    if not isinstance(replace, str):
        raise BankError(path, f"{where}: replace must be a string")
    for ref in _TEMPLATE_REF.finditer(replace):
        name = ref.group(1) or ref.group(2)
        if not (name in pattern.groupindex or (name.isdigit() and int(name) <= pattern.groups)):
            raise BankError(path, f"{where}: the replacement uses group {name!r}, not in find")
    lower = raw.get("lower", "")
    if lower and lower not in pattern.groupindex:
        raise BankError(path, f"{where}: lower names group {lower!r}, not in find")
    scope = raw.get("scope", "text")
    if scope not in ("text", "sentence"):
        raise BankError(path, f"{where}: scope must be 'text' or 'sentence'")
    return Rule(pattern, replace, scope == "sentence", lower, str(raw.get("say", "")))


def _tone(
    raw: Any,
    path: Path,
    where: str,
    groups: dict[str, Group],
    suggestions: dict[str, tuple[Alternative, ...]],
) -> Tone:
    if not isinstance(raw, dict):
        raise BankError(path, f"{where} must be a table")
    _known(raw, _TONE_KEYS, path, where)
    tone_id = raw.get("id")
    if not isinstance(tone_id, str) or not tone_id.strip():
        raise BankError(path, f"{where}: id must be a non-empty string")
    where = f"{where} ({tone_id})"
    names = _strings(raw, "groups", path, where=where)
    missing = [n for n in names if n not in groups]
    if missing:
        raise BankError(path, f"{where}: no group {missing[0]!r}")
    closing = _alternatives(raw.get("closing", []), path, f"{where}.closing", allow_empty=True)
    closes = any(groups[n].builtin == "closing" for n in names)
    if closes != bool(closing):
        raise BankError(path, f"{where}: a tone with the closing group needs closing lines")
    suggest = _strings(raw, "suggest", path, where=where, required=False)
    if any(s not in suggestions for s in suggest):
        raise BankError(path, f"{where}: suggest names an unknown suggestion")
    return Tone(
        id=tone_id,
        cues=tuple(
            _compile(c, path, f"{where}.cues[{i}]", re.I)
            for i, c in enumerate(_strings(raw, "cues", path, where=where))
        ),
        groups=frozenset(names),
        intro=_alternatives(raw.get("intro"), path, f"{where}.intro"),
        unchanged=_alternatives(raw.get("unchanged"), path, f"{where}.unchanged"),
        closing=closing,
        suggest=suggest,
        tip=_alternatives(raw.get("tip", []), path, f"{where}.tip", allow_empty=True),
    )


def _compile(pattern: Any, path: Path, where: str, flags: int) -> re.Pattern[str]:
    if not isinstance(pattern, str) or not pattern:
        raise BankError(path, f"{where}: a pattern must be a non-empty string")
    try:
        return re.compile(pattern, flags)
    except re.error as error:
        raise BankError(path, f"{where}: not a valid regular expression: {error}") from None


def _known(table: dict[str, Any], known: frozenset[str], path: Path, where: str) -> None:
    unknown = sorted(set(table) - known)
    if unknown:
        place = f"{where}: " if where else ""
        raise BankError(
            path, f"{place}unknown key {unknown[0]!r} (known: {', '.join(sorted(known))})"
        )


def _table(table: dict[str, Any], key: str, path: Path, where: str) -> dict[str, Any]:
    value = table.get(key)
    if not isinstance(value, dict):
        raise BankError(path, f"{where + '.' if where else ''}{key} must be a table")
    return value


def _strings(
    table: dict[str, Any], key: str, path: Path, *, where: str = "", required: bool = True
) -> tuple[str, ...]:
    value = table.get(key, None if required else [])
    if not isinstance(value, list) or not all(isinstance(v, str) and v for v in value):
        raise BankError(path, f"{where + ': ' if where else ''}{key} must be a list of strings")
    return tuple(value)


def _alternatives(
    raw: Any, path: Path, where: str, *, allow_empty: bool = False
) -> tuple[Alternative, ...]:
    if not isinstance(raw, list) or not all(isinstance(v, str) and v.strip() for v in raw):
        raise BankError(path, f"{where} must be a list of sentences")
    if not raw and not allow_empty:
        raise BankError(path, f"{where}: needs at least one alternative")
    return tuple(Alternative(v.strip()) for v in raw)


# -- the request ---------------------------------------------------------------------------------
# Words that ask for a rewrite whatever the tone ("rephrase this:"), and forms that ask for one
# only with a tone named ("make this sound more professional").
_REWRITE = re.compile(
    r"\b(?:re-?write|re-?phrase|re-?word|paraphrase|proof-?read|copy-?edit|polish(?:\s+up)?|"
    r"wordsmith|(?:fix|improve|tidy(?:\s+up)?|clean\s+up|correct|check)\s+(?:the\s+|my\s+)?"
    r"(?:wording|tone|grammar|spelling|writing|phrasing|typos|punctuation)|"
    r"check\s+(?:this|it|my\s+\w+)\s+for\s+(?:typos|mistakes|errors|grammar|spelling)|"
    r"(?:fix|improve|tidy\s+up|clean\s+up|polish|edit)\s+(?:this|the|my|our)\s+(?:sentence|paragraph|"
    r"e-?mail|message|text|note|draft|letter|reply|bio|wording|post|announcement|intro)s?|"
    r"(?:better|another|nicer|different|kinder|gentler|softer|politer|(?:more|less)\s+[\w-]+)"
    r"\s+way\s+(?:to|of)\s+(?:say|saying|put|putting|word|wording|phrase|phrasing|write|writing))\b",
    re.I,
)
_TONED = re.compile(
    r"\bmake\s+(?:this|it|that|these|them|the\s+\w+|my\s+\w+|our\s+\w+)\b|"
    r"\b(?:say|put|word|phrase|write)\s+(?:this|it|that)\b|"
    r"\bsounds?\s+(?:a\s+(?:bit|little)\s+|much\s+|way\s+)?(?:more|less)\b|"
    r"\btone\s+(?:it\s+|this\s+|that\s+)?down\b|\bsoften\b|\bedit\s+(?:this|it|my\s+\w+)\b",
    re.I,
)
# Requests about code, another form or another language: other answers (or none) handle them.
_OTHER_TARGET = re.compile(
    r"\b(?:function|code|class|method|script|regex|query|sql|python|javascript|typescript|"
    r"golang|rust|java|bash|shell|loop|program|snippet|unit tests?|translate|(?:system\s+)?prompts?|"
    r"in\s+(?:french|spanish|german|italian|portuguese|dutch|japanese|chinese|korean|hindi|"
    r"arabic|russian|polish|swedish|turkish)|"
    r"as\s+(?:a\s+)?(?:poem|haiku|limerick|song|rap|story|tweet|table|json|yaml|csv|list|"
    r"bullets?|bullet\s+points?)|(?:in|into)\s+(?:bullets?|bullet\s+points?|a\s+list|a\s+table|"
    r"json|yaml|markdown)|bullet\s+points?|(?:in|under)\s+\d+\s+words|\d+\s+characters)\b",
    re.I,
)
# A bare "rewrite this" gets the default tone; "rewrite this to be blameless" or "... without
# blame" asks for a quality no tone here has, and a plan of the topic answers it better.
_BARE_REWRITE = re.compile(
    r"\b(?:re-?write|re-?phrase|re-?word|paraphrase|polish|wordsmith|improve|edit|tidy\s+up|"
    r"clean\s+up)\b",
    re.I,
)
_OTHER_QUALITY = re.compile(
    r"\b(?:to\s+(?:be|sound|read)|so\s+(?:that\s+)?(?:it|they)(?:['’]s|\s+is|\s+are|\s+sounds?|"
    r"\s+reads?)|in\s+(?:a\s+|an\s+)?[\w-]+\s+(?:language|tone|way|style|voice)|without|"
    r"(?:more|less)\s+[\w-]+|sound(?:s|ing)?\s+[\w-]+|[\w-]+er\s+way)\b",
    re.I,
)
# What may follow a request's first sentence and still be request: "it's for a client:".
_STILL_ASKING = re.compile(
    r"^\s*(?:it'?s|it is|this is|that's|here(?:'s| is| it is)|the (?:text|message|email|draft)|"
    r"for\b|to\b|(?:my|our) (?:boss|manager|client|team)|thanks|thank you|please)",
    re.I,
)
_FENCE = re.compile(r"```(?P<lang>[\w+-]*)[ \t]*\n(?P<body>.*?)(?:```|$)", re.S)
_PROSE_FENCES = frozenset({"", "text", "txt", "plain", "plaintext", "markdown", "md", "email"})
_QUOTED = re.compile(
    r"\"(?P<a>[^\"]+)\"|“(?P<b>[^”]+)”|‘(?P<c>.+?)’(?!\w)|(?<!\w)'(?P<d>.+?)'(?!\w)", re.S
)
_SENTENCE_ASK = re.compile(r"^(?P<ask>[^\n]{3,300}?[.?!])\s+(?P<rest>\S.*)$", re.S)
_COLON_ASK = re.compile(r"^(?P<ask>[^\n\"“]{3,300}?):\s+(?P<rest>\S.*)$", re.S)


@dataclass(frozen=True)
class Asked:
    tone: str
    request: str
    material: str


def read_request(text: str, book: StyleBook) -> Asked | None:
    """The tone asked for and the pasted text, or None when the turn is no rewrite request."""
    split = split_request(text)
    if split is None:
        return None
    request, material = split
    if _OTHER_TARGET.search(request) or not _is_prose(material):
        return None
    tone = tone_asked(request, book)
    return Asked(tone, request, material) if tone else None


def tone_asked(request: str, book: StyleBook) -> str | None:
    """The tone whose cue comes first in the request; the default for a bare "rewrite this"."""
    best: tuple[int, str] | None = None
    for tone in book.tones.values():
        for cue in tone.cues:
            found = cue.search(request)
            if found and (best is None or found.start() < best[0]):
                best = (found.start(), tone.id)
    if best is not None:
        return best[1]
    bare = _BARE_REWRITE.search(request) and not _OTHER_QUALITY.search(request)
    return book.default_tone if bare else None


def _asks(text: str) -> bool:
    return len(text.split()) <= MAX_REQUEST_WORDS and bool(
        _REWRITE.search(text) or _TONED.search(text)
    )


def split_request(text: str) -> tuple[str, str] | None:
    """(request, pasted text) when the turn asks for a rewrite of text it carries."""
    stripped = text.replace("\r\n", "\n").strip()
    fence = _FENCE.search(stripped)
    if fence is not None:
        if fence["lang"].lower() not in _PROSE_FENCES:
            return None
        outside = (stripped[: fence.start()] + " " + stripped[fence.end() :]).strip()
        return _found(outside, fence["body"]) if _asks(outside) else None
    first, _, rest = stripped.partition("\n")
    if rest.strip() and _asks(first):
        colon = _COLON_ASK.match(first)
        if colon and _asks(colon["ask"]):
            return _found(colon["ask"], colon["rest"] + "\n" + rest)
        return _found(first, rest)
    head, _, last = stripped.rpartition("\n")
    if head.strip() and _asks(last):
        return _found(last, head)
    inline = _inline(stripped)
    if inline is not None:
        return _found(*inline)
    for quoted in _QUOTED.finditer(stripped):
        inside = next(g for g in quoted.groups() if g is not None)
        outside = f"{stripped[: quoted.start()]} this {stripped[quoted.end() :]}"
        if len(inside.split()) >= MIN_MATERIAL_WORDS and _asks(outside):
            return _found(outside, inside)
    return None


def _inline(text: str) -> tuple[str, str] | None:
    """One paragraph: "<request>: <text>" or "<request>. <text>", whichever split comes first,
    except that "... more professional? it's for a client: <text>" is still asking at the '?'."""
    colon = _COLON_ASK.match(text)
    by_colon = (colon["ask"], colon["rest"]) if colon and _asks(colon["ask"]) else None
    sentence = _SENTENCE_ASK.match(text)
    by_sentence = None
    if sentence and _asks(sentence["ask"]) and len(sentence["rest"].split()) >= 4:
        by_sentence = (sentence["ask"], sentence["rest"])
    if by_colon and by_sentence and len(by_sentence[0]) < len(by_colon[0]):
        between = by_colon[0][len(by_sentence[0]) :]
        return by_colon if _STILL_ASKING.match(between) or _asks(between) else by_sentence
    return by_colon or by_sentence


def _found(request: str, material: str) -> tuple[str, str] | None:
    material = _unwrap(material)
    words = len(material.split())
    return (request.strip(), material) if words >= MIN_MATERIAL_WORDS else None


def _unwrap(material: str) -> str:
    """The text without the quotes, fence or "> " markers it was pasted in."""
    material = material.strip()
    fence = _FENCE.fullmatch(material)
    if fence:
        material = fence["body"].strip()
    for opener, closer in (('"', '"'), ("“", "”"), ("'", "'"), ("‘", "’")):
        if len(material) > 2 and material.startswith(opener) and material.endswith(closer):
            inner = material[len(opener) : -len(closer)]
            # Inside single quotes an apostrophe ("don't") sits between letters; a quote does not.
            stray = (
                re.search(rf"(?<!\w){closer}|{opener}(?!\w)", inner)
                if opener in "'‘"
                else (opener in inner or closer in inner)
            )
            if not stray:
                material = inner.strip()
                break
    lines = material.split("\n")
    filled = [line for line in lines if line.strip()]
    if filled and all(line.startswith(">") for line in filled):
        material = "\n".join(re.sub(r"^>[ \t]?", "", line) for line in lines).strip()
    return material


_MACHINE = re.compile(
    r"^\s*(?:\[?\d{4}-\d{2}-\d{2}|\[?\d{1,2}:\d{2}(?::\d{2})?\]?\s|\[[A-Z]+\]|\$ |"
    r"(?:INFO|DEBUG|WARN(?:ING)?|ERROR|FATAL|TRACE|CRITICAL)\b|npm (?:ERR|WARN)|[\w./-]+\.\w+:\d+)"
)


def _is_prose(material: str) -> bool:
    """Letters to rewrite, not code or a log (those have their own answers). One line may read
    like a log line ("Error: invalid input") and still be copy to reword; and short lines of
    prose, which summary.kind_of calls a log, are prose when no program wrote them."""
    if not re.search(r"[^\W\d_]{2}", material) or reader.pasted_code(material) is not None:
        return False
    lines = [line for line in material.split("\n") if line.strip()]
    if len(lines) < 2:
        return True
    kind = summary.kind_of(material)
    machine = sum(bool(_MACHINE.match(line)) for line in lines)
    return kind not in summary.LINE_KINDS or (kind == "log" and machine < len(lines) / 2)


# -- rewriting -----------------------------------------------------------------------------------
@dataclass
class Change:
    """What one group changed: the text it matched, with the replacements, as written."""

    group: Group
    found: list[str] = field(default_factory=list)  # "'gonna'", "repeated exclamation marks"
    pairs: list[str] = field(default_factory=list)  # "'in order to' with 'to'"
    count: int = 0

    def record(self, old: str, new: str, rule: Rule) -> None:
        """One match: named as the rule says ("repeated exclamation marks"), or quoted."""
        self.count += 1
        matched = old.strip(" \t\n,;:.!?")
        shown = rule.say or (f"'{matched}'" if matched else "")
        if shown and shown.lower() not in (f.lower() for f in self.found):
            self.found.append(shown)
            replacement = new.strip(" \t\n,;:")
            self.pairs.append(f"{shown} with '{replacement}'")


@dataclass(frozen=True)
class Rewritten:
    text: str
    changes: tuple[Change, ...]


# Never touched: code spans, links, e-mail addresses, @handles, [placeholders].
_PROTECTED = re.compile(
    r"`[^`\n]+`|\b(?:https?://|www\.)\S+[\w/]|[\w.+-]+@[\w-]+\.[\w.-]*\w|(?<![\w@])@[\w.-]*\w|"
    r"\[[^\]\n]{1,40}\]"
)
_MASK_BASE = 0xE000  # private-use characters stand in for the protected spans while rules run
# Where one sentence ends and the next starts: an end mark, then a space, then not a lower-case
# letter; "U.S. office", "e.g. this" and "Dr. Okafor" go on.
_SENTENCE_GAP = re.compile(r"[.!?][\"')\]’”]*(?P<gap>[ \t]+)(?=[\"'“‘(]?[^\s\"'“‘(a-z])")
_ABBREVIATED = re.compile(
    r"(?:^|[\s(])(?:e\.g|i\.e|etc|vs|approx|cf|ca|a\.m|p\.m|incl|esp|Mr|Mrs|Ms|Dr|Prof|St|No)\.$|"
    r"(?:^|[\s(.])[A-Z]\.$"
)
_SENTENCE_START = re.compile(
    r"(?P<lead>^[ \t]*[\"'“‘(]?|(?P<end>[.!?])[\"')\]’”]*[ \t]+[\"'“‘(]?)"
    r"(?P<word>[a-z][a-z'’]*)(?![\w@/-]|\.\w)",
    re.M,
)
_CAPITALS = re.compile(r"(?<![\w'’&-])[A-Z]{2,}(?:['’][A-Z]+)?(?![\w'’&-])")
_CALENDAR = frozenset(
    {
        "monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday", "january",
        "february", "march", "april", "may", "june", "july", "august", "september", "october",
        "november", "december",
    }
)  # fmt: skip
_GREETING = re.compile(r"^(?:hi|hello|hey|hiya|dear|good (?:morning|afternoon|evening))\b", re.I)


def rewrite(
    material: str, tone: Tone, book: StyleBook, closing: Callable[[], str] = lambda: ""
) -> Rewritten:
    """The material with the tone's rule groups applied in the book's order; `closing` gives the
    closing line to add, asked for only when the message has none."""
    text, kept = _mask(material.strip())
    changes: list[Change] = []
    for group in book.groups.values():
        if group.id not in tone.groups:
            continue
        change = Change(group)
        text = _apply(group, text, book, change, closing)
        if change.count:
            changes.append(change)
            text = _repair(text, book)  # the spacing its removals left
    return Rewritten(_unmask(_capitalise(text, book, None), kept).strip(), tuple(changes))


def _apply(
    group: Group, text: str, book: StyleBook, change: Change, closing: Callable[[], str]
) -> str:
    for rule in group.rules:
        text = _substitute(rule, text, change)
    if group.builtin == "capitals":
        # Counted on the text as the user wrote it, and applied once the other groups are done,
        # so that a sentence start a removal leaves is not reported as the user's mistake and
        # the other groups still quote the user's words as written ("hey", not "Hey").
        _capitalise(text, book, change)
    elif group.builtin == "caps":
        text = _calm_capitals(text, book, group, change)
    elif group.builtin == "full_stop":
        text = _full_stops(text, book, change)
    elif group.builtin == "closing" and _wants_closing(text, book):
        line = closing()
        if line:
            change.count += 1
            text = f"{text.rstrip()}\n\n{line}"
    return text


def _substitute(rule: Rule, text: str, change: Change | None) -> str:
    def replace(match: re.Match[str]) -> str:
        old = match.group(0)
        new = _cased(old, _expand(rule, match))
        if new == old:
            return old
        if change is not None:
            change.record(old, new, rule)
        return new

    if not rule.sentence:
        return rule.pattern.sub(replace, text)
    return _by_sentence(text, lambda sentence: rule.pattern.sub(replace, sentence))


def _by_sentence(text: str, change: Callable[[str], str]) -> str:
    """The text with `change` applied to each sentence of each line, the spaces between kept."""
    lines = []
    for line in text.split("\n"):
        pieces = _pieces(line)
        pieces[::2] = [change(sentence) for sentence in pieces[::2]]
        lines.append("".join(pieces))
    return "\n".join(lines)


def _pieces(line: str) -> list[str]:
    """A line cut into its sentences (even places) and the spaces between them (odd places)."""
    pieces, start = [], 0
    for gap in _SENTENCE_GAP.finditer(line):
        if not _ABBREVIATED.search(line[start : gap.start("gap")]):
            pieces += [line[start : gap.start("gap")], gap["gap"]]
            start = gap.end("gap")
    return [*pieces, line[start:]]


def _expand(rule: Rule, match: re.Match[str]) -> str:
    def value(ref: re.Match[str]) -> str:
        name = ref.group(1) or ref.group(2)
        found = match.group(int(name) if name.isdigit() else name) or ""
        return found.lower() if name == rule.lower else found

    return _TEMPLATE_REF.sub(value, rule.replace)


def _cased(old: str, new: str) -> str:
    """ "Gonna" -> "Going to": a capital where the match had one (not for "ASAP", a whole word
    in capitals, whose place in the sentence decides)."""
    old_letter = next((c for c in old if c.isalpha()), "")
    word = re.search(r"[^\W\d_]+", old)
    at = next((i for i, c in enumerate(new) if c.isalpha()), -1)
    if not old_letter.isupper() or at < 0 or not new[at].islower():
        return new
    if word and len(word.group(0)) > 1 and word.group(0).isupper():
        return new
    return new[:at] + new[at].upper() + new[at + 1 :]


def _capitalise(text: str, book: StyleBook, change: Change | None) -> str:
    """A capital letter at the start of each line and sentence ("e.g. this" and "npm" excepted)."""

    def fix(match: re.Match[str]) -> str:
        word = match["word"]
        before = text[: match.end("end")] if match["end"] == "." else ""
        if before and (_ABBREVIATED.search(before) or before.endswith("..")):
            return match.group(0)
        if word in book.keep_lowercase:
            return match.group(0)
        if change is not None:
            change.count += 1
        return match["lead"] + word[0].upper() + word[1:]

    return _SENTENCE_START.sub(fix, text)


def _calm_capitals(text: str, book: StyleBook, group: Group, change: Change) -> str:
    """Words shouted in capitals in normal case; acronyms ("API", "ASAP") stay as they are."""
    return _by_sentence(text, lambda sentence: _calm_sentence(sentence, book, group, change))


def _calm_sentence(sentence: str, book: StyleBook, group: Group, change: Change) -> str:
    words = re.findall(r"[^\W\d_]+", sentence)
    shouted = [w for w in words if len(w) > 1 and w.isupper()]
    shouting = len(shouted) >= 3 and len(shouted) >= 0.6 * len(words)  # a whole sentence

    def calm(match: re.Match[str]) -> str:
        word = match.group(0)
        key = word.upper().replace("’", "'")
        if key in book.keep_caps or not (len(key) >= 4 or shouting or key in group.shout):
            return word
        if f"'{word}'" not in change.found:
            change.found.append(f"'{word}'")
        change.count += 1
        lowered = word.lower()
        return lowered.capitalize() if lowered in _CALENDAR else lowered

    return _CAPITALS.sub(calm, sentence)


def _full_stops(text: str, book: StyleBook, change: Change) -> str:
    """A full stop after the last sentence of each paragraph that ends without one."""
    lines = text.split("\n")
    for index, line in enumerate(lines):
        last_of_paragraph = index + 1 == len(lines) or not lines[index + 1].strip()
        said = [sentence for sentence in _pieces(line.strip())[::2] if sentence]
        final = said[-1] if said else ""
        # "... on Monday instead. Thanks" ends a sentence too; "Thanks, Sam" alone signs off.
        thanks = len(said) > 1 and "," not in final and any(p.match(final) for p in book.signoffs)
        sentence = len(final.split()) >= FULL_STOP_WORDS and not any(
            p.match(final) for p in book.signoffs
        )
        if last_of_paragraph and re.search(r"[^\W_)]$", final) and (sentence or thanks):
            lines[index] = line.rstrip() + "."
            change.count += 1
    return "\n".join(lines)


def _wants_closing(text: str, book: StyleBook) -> bool:
    """A message of more than one sentence, or one with a greeting, that has no closing yet."""
    lines = [line.strip() for line in text.split("\n") if line.strip()]
    if not lines:
        return False
    tail = lines[-2:]
    if any(p.search(line) for p in book.signoffs for line in tail):
        return False
    signed = len(lines) >= 2 and re.fullmatch(
        r"[-–—]*\s*[A-Z][\w'’-]*(?: [A-Z][\w'’-]*){0,2}", tail[-1]
    )
    if signed:
        return False  # "Priya" under a message is a signature
    return bool(_GREETING.match(lines[0])) or len(summary.sentences(text)) >= 2


def _repair(text: str, book: StyleBook) -> str:
    spacing = book.groups.get("spacing")
    for rule in spacing.rules if spacing else ():
        text = _substitute(rule, text, None)
    return "\n".join(line.rstrip() for line in text.split("\n"))


def _mask(text: str) -> tuple[str, list[str]]:
    kept: list[str] = []

    def hide(match: re.Match[str]) -> str:
        kept.append(match.group(0))
        return chr(_MASK_BASE + len(kept) - 1)

    return _PROTECTED.sub(hide, text), kept


def _unmask(text: str, kept: Sequence[str]) -> str:
    for index, original in enumerate(kept):
        text = text.replace(chr(_MASK_BASE + index), original)
    return text


# -- what changed, in words ------------------------------------------------------------------------
_NUMBERS = ("no", "one", "two", "three", "four", "five", "six", "seven", "eight", "nine", "ten")


def describe(changes: Sequence[Change]) -> str:
    """ "dropped 'Per my last email' and turned the demand into a request": the groups that
    fired, the ones a reader cares about first."""
    ordered = [c for c in changes if not c.group.minor] + [c for c in changes if c.group.minor]
    # A group whose matches were only spaces or marks has nothing to quote: it counts as a fix.
    named = [c for c in ordered if "{found}" not in c.group.change or c.found]
    parts = []
    for change in named[:MAX_NAMED]:
        many = change.count > 1 and change.group.change_many
        template = change.group.change_many if many else change.group.change
        part = template.replace("{found}", _listed(change.found))
        parts.append(part.replace("{pairs}", _listed(change.pairs)))
    rest = len(ordered) - len(parts)
    if rest > 0:
        word = _NUMBERS[rest] if rest < len(_NUMBERS) else str(rest)
        parts.append(f"made {word} smaller {'fix' if rest == 1 else 'fixes'}")
    return _joined(parts)


def _listed(items: Sequence[str]) -> str:
    shown = list(items[:MAX_LISTED])
    more = len(items) - len(shown)
    if more > 0:
        word = _NUMBERS[more] if more < len(_NUMBERS) else str(more)
        return ", ".join(shown) + f" and {word} more"
    return _joined(shown)


def _joined(parts: Sequence[str]) -> str:
    if len(parts) <= 1:
        return parts[0] if parts else ""
    last = ", and " if any(" and " in p for p in parts) else " and "
    return ", ".join(parts[:-1]) + last + parts[-1]


def quoted(text: str) -> str:
    """The text as a quoted block: each line prefixed "> " (a blank one ">")."""
    return "\n".join(f"> {line}" if line.strip() else ">" for line in text.split("\n"))


def suggestion(text: str, tone: Tone, book: StyleBook) -> tuple[str, dict[str, str]] | None:
    """The first of the tone's suggestions that applies to the text, and what fills it."""
    found = summary.sentences(text)
    for name in tone.suggest:
        if name == "long_sentence":
            long = [s for s in found if len(s.split()) > book.long_sentence_words]
            if long:
                start = " ".join(long[0].split()[:START_WORDS]).rstrip(",;:")
                return name, {"start": start + "...", "words": str(len(long[0].split()))}
        elif name == "no_greeting":
            first = text.strip().split("\n", 1)[0]
            if len(found) >= 2 and not _GREETING.match(first) and re.search(r"\byou\b", text, re.I):
                return name, {}
        elif name == "exclamation" and "!" in text:
            return name, {}
    return None


# -- the reply -----------------------------------------------------------------------------------
def answer(bank: Bank, reading: Reading, writer: Writer, chooser: Chooser) -> str:
    """Rewrite the text pasted into a rewrite request; "rewrite:<tone>", or "" (nothing written)."""
    book = style_book(bank.folder)
    asked = read_request(reading.text, book) if book is not None else None
    if book is None or asked is None:
        return ""
    tone = book.tones[asked.tone]
    key = f"rewrite/{tone.id}"

    def closing() -> str:
        options = tone.closing
        return options[chooser.pick(f"{key}/closing", options)].text if options else ""

    result = rewrite(asked.material, tone, book, closing)
    brief = chooser.setting.brief
    rank = EFFORT_RANK.get(chooser.setting.effort, MEDIUM)
    if not result.changes:
        say_one(tone.unchanged, f"{key}/unchanged", writer, chooser)
        found = suggestion(result.text, tone, book)
        if found is not None:
            name, values = found
            options = book.suggestions[name]
            line = options[chooser.pick(f"rewrite/suggest/{name}", options)].text
            for placeholder, value in values.items():
                line = line.replace("{" + placeholder + "}", value)
            writer.say(line, literal=True)
        return f"rewrite:{tone.id}"
    if not re.search(r"[^\W\d_]", result.text):
        template = book.nothing_left[chooser.pick("rewrite/nothing_left", book.nothing_left)].text
        writer.say(template.replace("{changes}", describe(result.changes)), literal=True)
        return f"rewrite:{tone.id}"
    small = all(change.group.minor for change in result.changes)
    if small:
        say_one(book.small_fixes, "rewrite/small_fixes", writer, chooser)
    else:
        say_one(tone.intro, f"{key}/intro", writer, chooser)
    block = quoted(result.text)
    writer.paragraphs.append([block])
    writer.words += len(result.text.split())
    if rank >= MEDIUM and not brief:
        template = book.changed[chooser.pick("rewrite/changed", book.changed)].text
        writer.say(
            template.replace("{changes}", describe(result.changes)), paragraph=True, literal=True
        )
    elif not ends_a_sentence(result.text):
        say_one(book.outro, "rewrite/outro", writer, chooser, paragraph=True)
    if rank >= HIGH and not brief and tone.tip:
        say_one(tone.tip, f"{key}/tip", writer, chooser, paragraph=True)
    return f"rewrite:{tone.id}"
