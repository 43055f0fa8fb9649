"""The author's own prose in a report, line by line, with what is not their phrasing masked.

Not checked (blanked out, so lines and columns still count from the original text): fenced and
indented code, HTML blocks and comments (template guidance), Markdown block quotes (a quoted chat
or log), inline code, links, e-mail addresses, and quotations introduced as someone else's words
("a user wrote "..."", "the ticket said: '...'"). Block structure comes from a Markdown parser
(markdown-it-py), so an indented or `~~~` fence is code too.

Any other quotation is the author's: scare quotes ("the reviewer "checked" the diff") and blame
put in quotation marks are checked like the rest, so quoting is no way around the check.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Iterator

from markdown_it import MarkdownIt

MASK = "\x00"  # neither a letter nor a space: no pattern matches across a masked span
_SKIPPED_BLOCKS = frozenset({"fence", "code_block", "html_block"})

_PARAGRAPH_TEXT = r"(?:(?!\n[ \t]*\n)[^{close}])*"  # may wrap lines, never a blank line
_ALWAYS_MASKED = re.compile(
    r"<!--.*?-->"  # HTML comments inside a paragraph
    r"|`[^`\n]*`"  # inline code
    r"|\bhttps?://\S+"  # links
    r"|\b[\w.+-]+@[\w-]+(?:\.[\w-]+)+",  # e-mail addresses
    re.S,
)
_QUOTATION = re.compile(
    r'"' + _PARAGRAPH_TEXT.format(close='"') + r'"'  # straight double quotes
    r"|“" + _PARAGRAPH_TEXT.format(close="”") + r"”"  # curly double quotes
    r"|‘[^’\n]*’"  # curly single quotes
    r"|(?<![\w])'[^'\n]+'(?![\w])",  # straight single quotes (not apostrophes)
    re.S,
)
# What introduces someone else's words: a reporting verb or a label, then perhaps a colon.
_REPORTED = re.compile(
    r"(?:\b(?:wrote|writes|write|said|says|say|saying|reported|reports|posted|posts|commented|"
    r"comments|complained|complains|asked|asks|replied|replies|messaged|tweeted|typed|stated|"
    r"states|noted|claimed|claims|read|reads|titled|called|named|labelled|labeled|quoted|"
    r"message|messages|comment|comments|ticket|tickets|review|reviews|feedback|report|thread|"
    r"post|email|e-mail|chat|slack|log|logs|error|errors|text|phrase|words|heading|title|"
    r"status|banner|prompt|answer|answered|reply|response|output|printed|returned|showed|shows|"
    r"like|known as|called|user|users|customer|customers|than|not|avoid|avoiding|"
    r"instead of|such as|e\.g\.|i\.e\.|saw|see|sees|read out|headline|subject|caption|"
    r"tagline|label|labels|named|term|terms|word|phrase|phrases|question|questions)\b[^\w\n]{0,3}"
    r"|:\s*)$",
    re.I,
)
_REPORTED_EARLIER = re.compile(
    r"\b(?:wrote|said|posted|reported|commented|complained|asked|replied|messaged|tweeted|"
    r"typed|stated|noted|claimed|emailed|filed|opened)\b[^\"“‘\n.!?]{0,30}[,:]\s*$",
    re.I,
)
_REPORT_WINDOW = 40  # characters before a quotation in which its introduction is looked for
_SENTENCE_WINDOW = 200  # ... and in which the author's "I" or "my" is looked for


def lines(text: str) -> Iterator[tuple[int, str]]:
    """(line number, masked line) for every line that holds some of the author's prose."""
    source = text.split("\n")
    skipped = _skipped_lines(text, len(source))
    kept = ["" if number in skipped else line for number, line in enumerate(source)]
    for number, line in enumerate(mask("\n".join(kept)).split("\n"), start=1):
        if line.strip(MASK + " \t"):
            yield number, line


def _skipped_lines(text: str, count: int) -> set[int]:
    skipped: set[int] = set()
    for token in _parser().parse(text):
        if token.map is None:
            continue
        if token.type in _SKIPPED_BLOCKS or token.type == "blockquote_open":
            start, end = token.map
            skipped.update(range(start, min(end, count)))
    return skipped


@functools.cache
def _parser() -> MarkdownIt:
    return MarkdownIt("commonmark").enable("table")


def mask(text: str) -> str:
    """The text with code, links, comments and reported quotations blanked out."""
    text = _ALWAYS_MASKED.sub(_blank, text)
    return _QUOTATION.sub(lambda m: _blank(m) if _is_reported(text, m.start()) else m.group(), text)


def _blank(match: re.Match[str]) -> str:
    return re.sub(r"[^\n]", MASK, match.group(0))


# The author reporting their own words ("as I wrote in the channel, "..."", "my summary was:"):
# still the author's phrasing.
_AUTHOR = re.compile(
    r"\b(?:I|my|I['’]d|I['’]ve|I['’]m|me|let['’]s|let us)\b|\bour (?:summary|update|message|note|post|verdict|"
    r"conclusion|take|assessment)\b",
    re.I,
)


def _is_reported(text: str, start: int) -> bool:
    sentence = re.split(r"[.!?]\s", text[max(start - _SENTENCE_WINDOW, 0) : start])[-1]
    before = text[max(start - _REPORT_WINDOW, 0) : start]
    if _AUTHOR.search(sentence):
        return False
    if _REPORTED.search(before.rstrip(" \t")) or _REPORTED.search(before):
        return True
    # A reporting verb a few words back: 'one user posted on the forum, "..."'.
    return bool(_REPORTED_EARLIER.search(before))


# Where a sentence ends, and where a table cell does: each cell of a timeline row is a statement.
_SENTENCE_END = re.compile(r"(?<=[.!?;])\s+|\s*(?<!\\)\|\s*")
MAX_SENTENCE = 400  # characters: a longer run without a full stop is read in pieces this long


def sentences(line: str) -> Iterator[tuple[int, str]]:
    """(offset, text) of each sentence (or table cell) of a line, so that every rule reads one
    statement at a time: a reason or a person elsewhere on the line does not count, and a hostile
    line of 100,000 characters without a full stop costs time in proportion to its length."""
    start = 0
    bounds = [(m.start(), m.end()) for m in _SENTENCE_END.finditer(line)]
    for end, after in [*bounds, (len(line), len(line))]:
        while end - start > MAX_SENTENCE:
            cut = line.rfind(" ", start + MAX_SENTENCE // 2, start + MAX_SENTENCE)
            cut = cut if cut > start else start + MAX_SENTENCE
            yield start, line[start:cut]
            start = cut
        if line[start:end].strip():
            yield start, line[start:end]
        start = after
