"""The shapes of pasted lines: frames, diff and test marks, machine lines, bullets, headers,
greetings and sign-offs, chat speakers.

They live apart from the code that uses them because several concerns read the same shapes:
splitting off the request, telling the material's kind, and reading an email, thread or notes.
"""

from __future__ import annotations

import re

_FENCE = re.compile(r"```[^\n]*\n(.*?)(?:```|$)", re.S)


_PY_FRAME = re.compile(r'^\s*File "(?P<path>[^"]+)", line (?P<line>\d+)(?:, in (?P<func>.+))?')
_AT_FRAME = re.compile(r"^\s+at\s+(?P<where>\S.*)$")
_DIFF_MARK = re.compile(r"^(?:diff --git |@@ -\d|\+\+\+ |--- (?:a/|/dev/null)|index [0-9a-f]{6,})")
_TEST_MARK = re.compile(
    r"test session starts|^(?:PASSED|FAILED|ERROR)\s+\S+::|^\s*(?:PASS|FAIL)\s+\S+\.[jt]sx?\b|"
    r"^--- (?:FAIL|PASS):|^test result:|\b\d+ (?:passed|failed)(?:[,;]| in \d)|^Tests?:\s+\d+|"
    r"running \d+ tests?|^Ran \d+ tests? in|^FAIL: test|\.\.\. (?:ok|FAILED|ERROR)$|"
    r"^\s*[✓✔✗✕●]\s",
    re.I | re.M,
)
# A line a program wrote: a timestamp, a level in capitals, a prompt, "file.py:12", "npm ERR!".
# Case matters: "ERROR" and "Run pytest" are a tool's, "Run the tests first." is a person's.
_MACHINE_LINE = re.compile(
    r"^\s*(?:\[?\d{4}-\d{2}-\d{2}|\[?\d{1,2}:\d{2}(?::\d{2})?\]?\s|\[\w+\]|\$ |> |#\d+ |"
    r"(?:INFO|DEBUG|WARN(?:ING)?|ERROR|FATAL|TRACE|CRITICAL|NOTICE)\b|npm (?:ERR|WARN)|"
    r"Step \d+/\d+|[\w./-]+\.\w+:\d+|Run [a-z]|(?i:error)(?:\[\w+\])?:|(?i:warning):|\w+@\w+:|"
    r"(?i:exit code))"
)
_STAMP = re.compile(
    r"^\s*\[?(?:\d{4}-\d{2}-\d{2}[ T])?\d{1,2}:\d{2}(?::\d{2})?(?:\.\d+)?Z?\]?\s+\S"
)
_BULLET = re.compile(r"^\s*(?:(?:[-*•·▪◦+]|\d{1,2}[.)]|\[[ xX]\])\s+)+")  # "- [ ] " too
_TICKED = re.compile(r"^\s*(?:[-*•]\s+)?\[[xX]\]\s")
_OPEN_BOX = re.compile(r"^\s*(?:[-*•]\s+)?\[ \]\s")
_NOTE_LABEL = re.compile(
    r"^\s*(?:[-*•]\s*)?(?:action(?: items?)?|actions|ai|todo|to-?do|decisions?|decided|agreed|"
    r"attendees|present|agenda|next steps|follow[- ]ups?|owner|blockers?|open questions?)"
    r"\s*(?:\([^)]*\))?\s*[:\-–]",
    re.I,
)
_BUG_LABEL = re.compile(
    r"^\s*(?:#+\s*|\*\*)?(?:steps to reproduce|repro(?:duction)?(?: steps)?|expected(?: behaviou?r| result)?|"
    r"actual(?: behaviou?r| result)?|environment|version|observed|what happened|to reproduce)\b",
    re.I,
)
_EMAIL_HEADER = re.compile(r"^(?:from|to|cc|bcc|subject|date|sent|reply-to)\s*:\s*\S", re.I)
_GREETING = re.compile(
    r"^(?:hi|hello|hey|hiya|dear|good (?:morning|afternoon|evening)|greetings|morning|hallo)\b"
    r"[ ,]*(?P<who>[^,!:\n]{0,60}?)\s*[,!:.]?\s*$",
    re.I,
)
_SALUTATION = re.compile(r"^(?:hi|hello|hey|hiya|dear|good (?:morning|afternoon|evening))\b", re.I)
_SIGN_OFF = re.compile(
    r"^(?:thanks(?: again| so much| a lot)?|thank you|many thanks|cheers|best(?: wishes| regards)?|"
    r"kind regards|warm regards|regards|all the best|sincerely|yours(?: truly| sincerely)?|"
    r"talk soon|speak soon|thx|br|take care)\b\s*(?:[,!.]\s*)?(?P<name>[^\W\d_][\w .'’-]{0,40})?\s*$",
    re.I,
)


# A chat line: optional time or [time], then a speaker and a colon ("[10:02] ana: text").
_SPEAKER_LINE = re.compile(
    r"^\s*(?:\[[^\]]{1,25}\]\s*|\(?\d{1,2}:\d{2}(?::\d{2})?\s*(?:[ap]\.?m\.?)?\)?\s*[-–]?\s*)?"
    r"(?:<(?P<irc>[^>\s]{1,30})>\s+|\*{0,2}(?P<who>@?[^\W\d][\w.'’-]*(?: [^\W\d][\w.'’-]*){0,2})\*{0,2}\s*:\s+)"
    r"(?P<said>\S.*)$",
    re.I,
)
# A chat client's header line: "Ana Lima  10:02 AM", then the message on the lines below.
_SPEAKER_HEADER = re.compile(
    r"^\s*(?P<who>[^\W\d][\w.'’-]*(?: [^\W\d][\w.'’-]*){0,2})\s+\[?\d{1,2}:\d{2}\s*(?:[AP]M)?\]?\s*$",
    re.I,
)
