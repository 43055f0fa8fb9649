"""Summaries of a given length: {bullets} and {sentences}, as many as the request asked for,
taken from the text as it is (a capital first letter and an end mark, nothing else changed)."""

from __future__ import annotations

import re

from labkit.sim.replies.summary.diffs import diff_summary
from labkit.sim.replies.summary.logs import _code_span, telling_lines
from labkit.sim.replies.summary.material import Material
from labkit.sim.replies.summary.ranking import central
from labkit.sim.replies.summary.request import DEFAULT_BULLETS, DEFAULT_SENTENCES
from labkit.sim.replies.summary.shapes import _BULLET
from labkit.sim.replies.summary.tracebacks import traceback_summary
from labkit.sim.replies.summary.wording import _count, _join_spans


def _counted(
    read: Material, unit: str, asked: int, material: str
) -> tuple[dict[str, str], dict[str, str]]:
    """{bullets} and {bullet_count}, {sentences} and {sentence_count}: taken from the text."""
    bullets_wanted = asked if unit == "bullets" else DEFAULT_BULLETS
    sentences_wanted = asked if unit == "sentences" else DEFAULT_SENTENCES
    if not material:
        nothing = "Nothing yet, since only the request came with the message."
        return (
            {"bullets": f"- {nothing}", "bullet_count": "no bullets"},
            {"sentences": nothing, "sentence_count": "no sentences"},
        )
    if read.kind in ("log", "test output"):
        shown = telling_lines(read.lines, bullets_wanted)
        said = telling_lines(read.lines, sentences_wanted)
        lead = "The line that matters is" if len(said) == 1 else "The lines that matter are"
        return (
            {
                "bullets": "\n".join(f"- {line}" for line in shown),
                "bullet_count": _count(len(shown), "bullet"),
            },
            {"sentences": f"{lead} {_join_spans(said)}.", "sentence_count": "one sentence"},
        )
    if read.kind in ("traceback", "diff") or not read.units:
        whole = read.lines[0] if len(read.lines) == 1 and not read.units else ""
        phrase = (
            traceback_summary(read.lines)
            if read.kind == "traceback"
            else diff_summary(read.lines)
            if read.kind == "diff"
            else _code_span(whole)
        )
        item = _as_sentence(phrase)
        return (
            {"bullets": f"- {item}", "bullet_count": "one bullet"},
            {"sentences": item, "sentence_count": "one sentence"},
        )
    bullets = [
        _as_sentence(_unit_text(read, i))
        for i in central(read.units, bullets_wanted, read.subject_line)
    ]
    said = [
        _as_sentence(_unit_text(read, i))
        for i in central(read.units, sentences_wanted, read.subject_line)
    ]
    return (
        {
            "bullets": "\n".join(f"- {b}" for b in bullets),
            "bullet_count": _shortfall(len(bullets), bullets_wanted, "bullet"),
        },
        {
            "sentences": " ".join(said),
            "sentence_count": _shortfall(len(said), sentences_wanted, "sentence"),
        },
    )


def _unit_text(read: Material, index: int) -> str:
    """A unit as the text has it; in a thread, with who said it ("Ana: the eval dropped")."""
    unit = read.units[index]
    text = re.sub(r"\s+", " ", _BULLET.sub("", unit.text)).strip()
    return f"{unit.speaker}: {text}" if read.kind == "chat thread" and unit.speaker else text


def _as_sentence(text: str) -> str:
    """The text with a capital first letter and an end mark, nothing else changed."""
    text = text.strip()
    if text[:1].isalpha() and text[:1].islower():
        text = text[0].upper() + text[1:]
    return text if re.search(r"[.!?…`]['\")\]’”]*$", text) else text + "."


def _shortfall(found: int, wanted: int, noun: str) -> str:
    """ "three bullets"; "two bullets, all the text has" when it has fewer than were asked for."""
    counted = _count(found, noun)
    return counted if found >= wanted else f"{counted}, all the text has"
