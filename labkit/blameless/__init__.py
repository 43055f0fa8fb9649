"""A blameless-language check for post-mortems: blaming phrasing and personal names.

    findings = check_blameless(report_text)
    print(format_findings(findings))   # "line 4, column 12: blame 'failed to' -> ..."

A blameless post-mortem describes systems, changes and roles, never culprits (Google SRE book,
ch. 15; PagerDuty's post-mortem guide). This check flags two things, each with a suggestion:

- `blame` (rules.py): phrasing that judges people, makes a person the agent of a failure or an
  omission, blames by counterfactual or by sarcasm. The same verbs said of a system are fine, and
  so are the neutral uses of "failed", "missed" and "fault".
- `personal_name` (names.py): a given name used as one, or an @handle of a person.

What is not the author's phrasing is not checked (prose.py): code, comments, block quotes and
quotations introduced as someone else's words. Other quotation marks are no way around it.
The check is a heuristic that helps a writer; it is not a judge of intent. Its measured error
rates on a labelled corpus are in datasets/blameless/DATACARD.md.
"""

from __future__ import annotations

from dataclasses import replace

from labkit.blameless.findings import Finding, Kind, format_findings
from labkit.blameless.names import given_names, name_findings
from labkit.blameless.prose import lines, sentences
from labkit.blameless.rules import blame_findings

__all__ = ["Finding", "Kind", "check_blameless", "format_findings", "given_names"]


def check_blameless(text: str) -> list[Finding]:
    """Every blaming phrase and personal name in `text` (Markdown or plain), in reading order."""
    if not isinstance(text, str):
        raise TypeError(f"check_blameless needs a str, got {type(text).__name__}")
    findings: set[Finding] = set()
    for number, line in lines(text):
        for offset, sentence in sentences(line):
            for finding in (*blame_findings(number, sentence), *name_findings(number, sentence)):
                findings.add(replace(finding, column=finding.column + offset))
    return sorted(findings)
