"""The request, read apart from the pasted material: where it ends, and the length it asks for.

"summarise this for my manager:\\n<log>" is a request and a log; "summarise in 3 bullets" asks
for three bullets, "tl;dr" for one sentence. `has_material` says whether anything came to be
summarised besides the request itself.
"""

from __future__ import annotations

import re

from labkit.sim.replies.summary.shapes import _EMAIL_HEADER, _FENCE, _SALUTATION, _SPEAKER_LINE

# What people say when they ask for a summary ("summarise", "summerize", "tl;dr", "sum this up").
_ASKING = re.compile(
    r"summ?[ae]r[iy][sz]|summar(?:y|ies)|\bsum(?:s|med|ming)?\s+(?:\w+\s+){0,3}?up\b|"
    r"\btl;?\s?dr\b|\brecap|\bgist\b|\bcondense|\bboil\w*\s+(?:\w+\s+){0,3}?down\b|"
    r"\bdigest\b|\bshort version\b|\bkey points\b|\bhighlights\b|\bin a nutshell\b|"
    r"\bwhat (?:does|did) (?:this|it|the)(?: \w+)? say\b|\bwhat(?:'s| is) (?:this|it) (?:about|saying)\b|"
    r"\bin short\b|\bbriefly\b|\bwhat (?:went wrong|broke|failed|happened)\b",
    re.I,
)
_INTRO_LINE = re.compile(
    r"^(?:here(?:'s| is| are)|below is|this is|the following|see)\b.{0,80}:\s*$", re.I
)


def split_request(text: str) -> tuple[str, str]:
    """(the request, the pasted material): "summarise this:\\n<log>" -> ("summarise this", "<log>")."""
    stripped = text.strip()
    if not stripped:
        return "", ""
    first, _, rest = stripped.partition("\n")
    if rest.strip() and _is_request_line(first):
        ask, colon, after = first.partition(":")
        if colon and after.strip() and _ASKING.search(ask):
            return ask.strip(), _unwrap(after + "\n" + rest)
        return first.strip(), _unwrap(rest)
    head, _, last = stripped.rpartition("\n")
    if head.strip() and _is_request_line(last):
        return last.strip(), _unwrap(head)
    # "summarise the standup notes: api migration 70% done, ..." on one line
    # (a colon followed by a space: "10:00" and "db:5432" do not split; nor one inside quotes)
    inline = re.match(r"(?P<ask>[^\n\"“]{0,160}?):\s+(?P<rest>\S.*)$", stripped, re.S)
    if inline and _ASKING.search(inline["ask"]) and len(inline["ask"].split()) <= 20:
        return inline["ask"].strip(), _unwrap(inline["rest"])
    # "Can you summarise this paragraph? The new cache cut latency ..."
    opening = re.match(r"(?P<ask>[^.?!\n]{3,200}[.?!])\s+(?P<rest>\S.*)$", stripped, re.S)
    if opening and _ASKING.search(opening["ask"]) and len(opening["rest"].split()) >= 8:
        return opening["ask"].strip(), _unwrap(opening["rest"])
    quoted = re.search(r"[\"“](?P<q>[^\"”]{20,})[\"”]", stripped)
    if quoted and _ASKING.search(stripped[: quoted.start()] + stripped[quoted.end() :]):
        outside = (stripped[: quoted.start()] + stripped[quoted.end() :]).strip(" :\n")
        return outside, quoted["q"].strip()
    if _ASKING.search(stripped) and "\n" not in stripped and len(stripped.split()) <= 40:
        return stripped, ""  # only the request came: "summarise the build"
    return "", _unwrap(stripped)


def _is_request_line(line: str) -> bool:
    line = line.strip()
    if not line or len(line.split()) > 30:
        return False
    # "Subject: weekly summary", "Hi all, a quick summary" and "ana: tl;dr" belong to the paste.
    if _EMAIL_HEADER.match(line) or _SPEAKER_LINE.match(line) or _SALUTATION.match(line):
        return False
    return bool(_ASKING.search(line) or _INTRO_LINE.match(line))


def _unwrap(material: str) -> str:
    """The material without the fence, quotes or "> " markers it was pasted in."""
    material = material.strip()
    fenced = _FENCE.fullmatch(material)
    if fenced:
        material = fenced.group(1).strip()
    for opener, closer in (('"""', '"""'), ("'''", "'''"), ('"', '"'), ("“", "”")):
        inner = material[len(opener) : -len(closer)]
        if (
            len(material) > 2 * len(opener)
            and material.startswith(opener)
            and material.endswith(closer)
            and opener not in inner
        ):
            material = inner.strip()
            break
    lines = material.splitlines()
    quoted = [line for line in lines if line.startswith(">")]
    if lines and len(quoted) >= 0.8 * len([line for line in lines if line.strip()]):
        material = "\n".join(re.sub(r"^>\s?", "", line) for line in lines).strip()
    return material


DEFAULT_BULLETS = 3
DEFAULT_SENTENCES = 2
MAX_COUNT = 10  # "in 50 bullets" gets ten
_AMOUNTS = {
    "a": 1, "single": 1, "a single": 1, "one": 1, "two": 2, "three": 3, "four": 4, "five": 5,
    "six": 6, "seven": 7, "eight": 8, "nine": 9, "ten": 10, "a couple of": 2, "a few": 3,
}  # fmt: skip
_LENGTH = re.compile(
    r"\b(?P<n>\d{1,2}|a couple of|a few|a single|single|one|two|three|four|five|six|seven|eight|"
    r"nine|ten|a)[\s-]+(?:(?:short|key|main|quick|brief|crisp)\s+)?"
    r"(?P<unit>bullet(?:[\s-]*points?)?s?|bulleted\s+points?|points?|takeaways?|items?|"
    r"sentences?|lines?|liners?)\b",
    re.I,
)
_BULLETED = re.compile(
    r"\bbullet(?:s|ed|[\s-]*points?)?\b|\bas a (?:bulleted )?list\b|\blist (?:of )?the (?:key |main )?points\b",
    re.I,
)
_ONE_LINER = re.compile(r"\bone[- ]?liner\b|\btl;?\s?dr\b|\bin a nutshell\b", re.I)


def length_asked(request: str) -> tuple[str, int]:
    """("bullets", 3) for "summarise in 3 bullets", ("sentences", 2) for "in two sentences",
    ("sentences", 1) for "one line" or "tl;dr"; ("", 0) when the request names no length."""
    found = _LENGTH.search(request)
    if found is not None:
        unit = "sentences" if re.match(r"sentence|line|liner", found["unit"], re.I) else "bullets"
        amount = found["n"].lower()
        if unit == "bullets" and amount in ("a", "single", "a single"):
            return unit, DEFAULT_BULLETS  # "a bullet list", "a bulleted summary"
        number = int(amount) if amount.isdigit() else _AMOUNTS[amount]
        if number >= 1:
            return unit, min(number, MAX_COUNT)
    if _BULLETED.search(request):
        return "bullets", DEFAULT_BULLETS
    if _ONE_LINER.search(request):
        return "sentences", 1
    return "", 0


def has_material(text: str) -> bool:
    """True when the turn carries something to summarise besides the request itself, however
    short: "summarise: ok thanks" does, "summarise the build log" does not."""
    return bool(split_request(text)[1])
