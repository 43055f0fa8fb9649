"""The phrasings that blame people, each with a suggestion for saying it blamelessly.

A sentence blames when it judges a person ("careless", "human error", "X's fault"), makes a person
the agent of a failure or an omission ("the reviewer failed to run the tests", "she rushed the
deploy out"), blames by counterfactual ("if the author had just run the canary"), or by sarcasm
("Great job shipping on a Friday"). The same verbs said of a system are fine ("the health check
failed to fire"), and so are neutral uses: a person's attempt that failed for a stated reason
("the engineer failed to reach the host because the VPN was down"), "missed" of a cache, "fault"
in "fault-tolerant" or "segmentation fault".
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass

from labkit.blameless.findings import Finding
from labkit.blameless.names import is_person_name

_ROLE_NOUN = (
    r"(?:engineer|developer|dev|reviewer|author|operator|on-?call(?:er)?|sre|admin(?:istrator)?|"
    r"intern|manager|lead|person|employee|staff(?:er)?|colleague|teammate|contractor|owner|"
    r"approver|deployer|human|analyst|responder|team|folks|people|guy|guys|"
    r"committer|maintainer|programmer|coder|tester|qa|ops|devops|dba|architect|someone|"
    r"commander|liaison|coordinator|member|hire|junior|senior|primary|secondary|shift|"
    r"oncaller|crew|squad|department|vendor|contractor|consultant|technician|tech|sysadmin|"
    r"specialist|scientist|researcher|designer|approvers?|on-?call engineer|captain)s?"
)
_PRONOUN = (
    r"\b(?:he|she|I|you|someone|somebody|nobody|no one|whoever|everyone|everybody|anyone|"
    r"anybody)\b"
)
# Teams named by their function, as subjects: "Operations never read the notice", "QA let it by".
_DEPARTMENT = (
    r"(?-i:\b(?:Operations|Ops|Engineering|QA|DevOps|SRE|Support|Security|Product|Management|"
    r"Leadership|IT|Networking|Infra|Infrastructure|Platform|Legal|Finance|Marketing|Sales|"
    r"ops|qa|devops|dbas?|DBAs?|SREs|Mobile|Web|Frontend|Backend|Storage|Payments|Billing)\b)"
)
# A role with no article opens a timeline cell or a terse note: "on-call ignores second page".
_BARE_ROLE = (
    r"(?P<bare>\A(?:[-*+]\s+)?(?:\d{1,2}:\d{2}(?:\s*UTC)?\s*[-–—:]?\s*)?(?:on-?call(?:er)?|"
    r"oncaller|reviewer|approver|operator|deployer|responder|dba|sre)\b)"
)
# What may follow a role before its verb: "the author of the change", "the engineer who wrote
# the script", "anyone on the team", "the SRE on duty".
_QUALIFIER = (
    r"(?:\s+(?:of|on|from|in|at|for)\s+(?:the\s+|a\s+|our\s+|their\s+)?[\w-]+(?:\s+[\w-]+){0,2}?"
    r"|\s+who\s+\w+(?:\s+[\w-]+){0,3}?|\s+on duty)?"
)
_SUBJECT = (
    r"(?P<subject>(?P<pronoun>"
    + _PRONOUN
    + r")"
    + _QUALIFIER
    + r"|(?P<role>\b(?:the|a|an|our|their|his|her|that|this|one|another|each|every|some|your|my|"
    r"both|all|several|two|three|many|most)"
    r"\s+(?:[\w'’-]+\s+){0,2}?"
    + _ROLE_NOUN
    + r"\b)"
    + _QUALIFIER
    + r"|(?P<department>"
    + _DEPARTMENT
    + r")"
    r"|(?P<handle>(?<![\w@])@[A-Za-z][\w.-]*)"
    r"|" + _BARE_ROLE + r"|(?P<capitalised>(?-i:\b[A-Z][a-z]+\b)))"
)
_SUBJECT_ONLY = re.compile(_SUBJECT, re.I)
# Acts on production that are neutral alone and blame with a wrong target or a skipped control.
_DESTRUCTIVE_ACT = (
    r"dropped|deleted|removed|wiped|truncated|drained|overwrote|ran|pushed|deployed|restarted|"
    r"killed|rebooted|reverted|disabled|merged|changed|applied|shipped|silenced|muted|turned off|"
    r"force-pushed"
)
_DESTRUCTIVE_PARTICIPLE = (
    r"dropped|deleted|removed|wiped|truncated|drained|overwritten|run|pushed|deployed|restarted|"
    r"killed|rebooted|reverted|disabled|merged|changed|applied|shipped|silenced|muted|turned off|"
    r"force-pushed|approved"
)
_AGAINST_PROCESS = (
    r"(?:instead of|rather than|without (?:any |a |an )?(?:approval|review|asking|checking|testing|"
    r"telling|ticket|permission|sign-off|signoff|backup|warning|notice)|while (?:it|they|the \w+) "
    r"(?:was|were) still|by mistake|by accident)\b"
)
# Traits only a person has, which judge the person rather than describe conditions.
_PERSON_TRAIT = (
    r"inexperienced|overconfident|over-confident|disengaged|sluggish|apathetic|indifferent|"
    r"oblivious|unmotivated|uninterested|checked out|unfocused|arrogant|careless|clueless|lazy|"
    r"negligent|reckless|incompetent|sloppy|inattentive"
)
# What a person can be said to have done to a signal, a step or a safeguard that blames them, in
# the passive: "was ignored by ...", "was bypassed by ...".
_NEGLECT_PARTICIPLE = (
    r"ignored|overlooked|neglected|skipped|forgotten|disregarded|dismissed|brushed off|"
    r"bypassed|circumvented|botched|bungled|mishandled|misconfigured|misread|rushed(?: out| through)?|"
    r"rubber[- ]?stamped|waved through|glossed over|sat on|shrugged off|swept aside|overridden "
    r"without (?:review|approval)"
)
_BETWEEN = (
    r"(?:\s+(?:\w+ly|just|also|then|again|still|even|had|has|have|must have|never|simply|and|"
    r"apparently|clearly|obviously|once again|yet again))*\s+"
)

WHAT_HOW = (
    "ask what the person knew at the time and how the system could have shown it "
    "(e.g. 'the dashboard did not show ...')"
)
SYSTEM = (
    "describe what the system or process did not provide (e.g. 'the deploy checklist had no "
    "step for ...'), not what a person failed to do"
)
JUDGEMENT = (
    "describe the action and its conditions neutrally (e.g. 'the command ran against "
    "production because the tool defaulted to it')"
)
CULPRIT = (
    "name the change and how it reached production (e.g. 'change C-42 raised ...'), "
    "not the person who made it"
)
CAUSES = "ask how the system allowed this to happen; a post-mortem looks for causes, not culprits"
HASTE = (
    "describe the pressure and the missing safeguard instead (e.g. 'the release went out without "
    "a canary because the pipeline allowed skipping it under a deadline')"
)
COUNTERFACTUAL = (
    "state what happened and what would have caught it (e.g. 'no check ran the canary before "
    "the deploy'), not what a person should have done"
)
SARCASM = (
    "state the facts plainly; sarcasm reads as blame and makes people defend instead of explain"
)
SCARE_QUOTES = (
    "say what was done in plain words; quotation marks around a person's action imply they did "
    "not really do it"
)

# The verbs of an attempt whose failure is an outcome, not an omission ("failed to connect").
_ATTEMPTS = (
    r"(?:connect|reach|log ?in|sign ?in|authenticate|reproduce|access|load|open|start|restart|"
    r"complete|obtain|acquire|join|download|upload|find|locate|resolve|get|finish|boot|mount|"
    r"ssh|page|contact)"
)
# A clause that gives the reason: the sentence explains conditions, which is the blameless way.
_REASON = re.compile(r"\b(?:because|since|as the|as a|due to|owing to|when the|while the)\b", re.I)


@dataclass(frozen=True)
class Rule:
    pattern: re.Pattern[str]
    suggestion: str
    person_subject: bool = False  # the match has a `subject` group that must be a person
    # True when a match is neutral after all (a stated reason, an attempt that failed)
    exempt: Callable[[re.Match[str], str], bool] | None = None


def _rule(
    regex: str,
    suggestion: str,
    person_subject: bool = False,
    exempt: Callable[[re.Match[str], str], bool] | None = None,
) -> Rule:
    return Rule(re.compile(regex, re.I), suggestion, person_subject, exempt)


def _after_person(verbs: str) -> str:
    return _SUBJECT + _BETWEEN + r"(?P<verb>" + verbs + r")\b"


# Doing what the written process says is no omission: "per the runbook, the on-call ignored P4
# alerts overnight".
_BY_THE_BOOK = re.compile(
    r"\b(?:per|following|according to|in line with|as (?:required|instructed|directed) by)\s+"
    r"(?:the\s+|our\s+|its\s+)?(?:[\w-]+\s+)?(?:runbook|playbook|policy|procedure|process|"
    r"checklist|guidance|escalation policy|rota|rotation rules)\b",
    re.I,
)
# "even though the guide was in their drafts": a concession adds to the blame, it is no reason.
_CONCESSION = re.compile(
    r"\b(?:even though|even if|although|despite|in spite of|even after)\b", re.I
)
# "since the spring planning cycle" tells when, not why.
_SINCE_WHEN = re.compile(
    r"since\s+(?:the\s+|last\s+|early\s+|late\s+|mid-?)?(?:[\w-]+\s+){0,2}?(?:spring|summer|autumn|"
    r"fall|winter|morning|evening|night|week|month|year|quarter|cycle|sprint|release|launch|"
    r"yesterday|then|\d|(?-i:[A-Z][a-z]+day|January|February|March|April|May|June|July|August|"
    r"September|October|November|December))",
    re.I,
)


def _explained(match: re.Match[str], line: str) -> bool:
    """A person's failure with its reason in the same sentence ("... because the VPN was down"),
    or done as the written process says ("per the runbook, ..."); not when the reason is again
    the person's doing ("because he had muted the channel")."""
    if _BY_THE_BOOK.search(line[: match.start()]):
        return True
    rest = line[match.end() :]
    reason = _REASON.search(rest)
    if reason is None or _SINCE_WHEN.match(rest, reason.start()):
        return False
    if _CONCESSION.search(rest[: reason.start()]):
        return False
    after = rest[reason.end() :]
    # A reason whose subject is a person again ("because they only tested the happy path") is
    # more of the same blame, not the conditions.
    return not re.match(r"\s*(?:he|she|they|I|you|we)\b", after, re.I)


def _substitution_test(match: re.Match[str], line: str) -> bool:
    """The substitution test of a blameless review, not blame: "anyone on the team could have
    run the same command and got the same result"."""
    return bool(
        re.search(
            r"\bthe same\s+(?:result|outcome|mistake|error|decision|choice|conclusion)\b",
            line[match.end() :],
            re.I,
        )
    )


def _attempt_or_explained(match: re.Match[str], line: str) -> bool:
    rest = line[match.end() :]
    return bool(re.match(r"\s+" + _ATTEMPTS + r"(?![\w-])", rest, re.I)) or _explained(match, line)


def _person_before(match: re.Match[str], line: str) -> bool:
    """Whether the words before the match have a person in them ("the reviewer was at fault",
    not "the load balancer, not the application, was at fault")."""
    before = line[: match.start()]
    return any(_is_person_subject(m, line) for m in _SUBJECT_ONLY.finditer(before))


def _seeking(match: re.Match[str], line: str) -> bool:
    """Talk about the search for a culprit, not blame: "finding someone at fault would not have
    prevented this"."""
    return bool(
        re.search(
            r"\b(?:find(?:ing)?|assign(?:ing)?|look(?:ing)? for|search(?:ing)? for|not about|"
            r"instead of|rather than|avoid(?:ing)?)\b[^.!?]{0,30}$",
            line[: match.start()],
            re.I,
        )
    )


def _whole_sentence(match: re.Match[str], line: str) -> bool:
    """A quotation that is all the sentence says (a list of quoted examples): no scare quote."""
    rest = line[: match.start()] + line[match.end() :]
    return not re.search(r"[^\W\d_]", re.sub(r"^\W*(?:\d+[.)])?", "", rest))


def _too_long(match: re.Match[str]) -> bool:
    """Scare quotes hold a word or three; a longer quotation quotes something."""
    scare = match.groupdict().get("scare")
    return scare is not None and len(scare.split()) > SCARE_WORDS


SCARE_WORDS = 3


def _names_a_part(match: re.Match[str], line: str) -> bool:
    """A quoted label of a part of a document or a tool ("the runbook's 'quick restart' section",
    the "safe mode" option): a mention of its name, not a scare quote."""
    return bool(
        re.match(
            r"\s+(?:section|step|heading|page|button|option|flag|command|label|tab|field|menu|"
            r"link|column|setting|checkbox|dialog|template|entry|item|panel|view)s?\b",
            line[match.end() :],
            re.I,
        )
    )


def _mentioned(match: re.Match[str], line: str) -> bool:
    """A term mentioned rather than used: "rather than calling this human error", "human error is
    a starting point, not a conclusion"."""
    before = line[max(match.start() - 30, 0) : match.start()]
    return bool(_MENTION.search(before) or _DEFINED.match(line[match.end() :]))


_DEFINED = re.compile(
    r"[\"”'’]?\s+(?:is|are|was|were)\s+(?:a |an |the )?(?:starting point|symptom|label|not (?:a|an|the)|"
    r"never (?:a|an|the)|where (?:an|the) (?:analysis|investigation)|rarely)\b",
    re.I,
)


_MENTION = re.compile(
    r"(?:call(?:ing|ed|s)?\s+(?:it|this|that)|than|not|no|instead of|beyond|past|stop(?:s|ping)? at|"
    r"go(?:es|ing)? beyond|the phrase|the term|words like|labels? like)\s+[\"“'‘]?$",
    re.I,
)


def _not_a_system_fault(match: re.Match[str], line: str) -> bool:
    """'fault' followed by a hyphen or a word making a compound: "fault-tolerant", "fault
    injection" are engineering, not blame."""
    return bool(
        re.match(
            r"[-‐](?=\w)|\s+(?:tolerance|tolerant|injection|domain|line|code|threshold|handling|"
            r"handler|detection|state|count|rate|isolation|zone|path|mode|condition|event|log|"
            r"report|tree|analysis)s?\b",
            line[match.end() :],
            re.I,
        )
    )


RULES: tuple[Rule, ...] = (
    _rule(
        r"(?:\b(?:[\w-]+\s+)?"
        + _ROLE_NOUN
        + r"['’]s?|(?-i:\b[A-Z][a-z]+)['’]s|\b(?:his|her|their|my|"
        r"your|our))\s+(?:own\s+)?fault\b|\bwhose fault\b"
        r"|\bnobody['’]s fault but\b"
        r"|\bfault (?:of|lies|rests|sits|was|is)(?:\s+\w+ly)?(?:\s+with)?\s+(?:the\s+)?(?:[\w-]+\s+)?(?:"
        + _ROLE_NOUN
        + r"|(?-i:[A-Z][a-z]+)|him|her|them)\b",
        CAUSES,
        exempt=_not_a_system_fault,
    ),
    _rule(
        r"\bat fault\b",
        CAUSES,
        exempt=lambda match, line: not _person_before(match, line) or _seeking(match, line),
    ),
    _rule(
        r"\b(?:is|are|was|were|be)\s+to\s+blame\b|\bblam(?:e|ed|es|ing)\s+(?:on|for)\b"
        r"|\b(?:I|we|they|he|she|you)\s+blame\b|\bthe blame (?:lies|falls|rests)\b",
        CAUSES,
    ),
    _rule(
        r"\b(?:should|ought to)(?:\s+have|['’]ve)\s+known\b|\bknew better\b|\bshould know better\b"
        r"|\b(?:any|a|an|one)\s+(?:[\w-]+\s+){0,2}" + _ROLE_NOUN + r"(?:\s+[\w-]+){0,3}?\s+would"
        r"(?:\s+have|['’]ve)\s+(?:\w+ly\s+)?(?:caught|noticed|spotted|seen|known|checked|prevented|"
        r"avoided|stopped|flagged|asked|tested|realised|realized|read|questioned)\b"
        r"|\b(?:only|no)\s+(?:an?\s+)?(?:[\w-]+\s+)?" + _ROLE_NOUN + r"\s+would\b"
        r"|\b(?:a little|a bit|slightly|some|any|a modicum of|a shred of) more (?:care|attention|"
        r"diligence|thought|caution|effort)\s+(?:from|by|on the part of)\b",
        WHAT_HOW,
    ),
    _rule(
        _after_person(
            r"(?:should|ought to|could|might)(?:\s+(?:easily|simply|just))?(?:\s+have|['’]ve)\s+"
            r"(?:\w+ly\s+)?(?:caught|noticed|checked|tested|seen|realised|realized|verified|asked|"
            r"waited|looked|read|spotted|thought|prevented|avoided|stopped|run|ran|rolled|flagged|"
            r"escalated|reviewed|double-checked|followed|used|paged|called|warned|told)"
        ),
        WHAT_HOW,
        person_subject=True,
        exempt=_substitution_test,
    ),
    _rule(
        _after_person(r"failed to|fails to|neglected(?: to)?|neglects to"),
        SYSTEM,
        True,
        exempt=_attempt_or_explained,
    ),
    _rule(
        _after_person(r"forgot(?: to)?|forgets to|forgotten to"),
        "ask how the process could make the step hard to forget (a checklist, an automated "
        "check) and describe that gap",
        True,
    ),
    _rule(
        _after_person(
            r"ignored|missed|overlooked|disregarded|brushed off|dismissed|ignores|misses|"
            r"overlooks|disregards|dismisses"
        ),
        "describe what made the signal easy to miss (volume, noise, routing, what the "
        "dashboard showed)",
        True,
        exempt=_explained,
    ),
    _rule(
        _after_person(
            r"(?:(?:does|do)(?:n['’]t| not)\s+(?:\w+ly\s+)?(?:read|check|test|follow|review|verify|"
            r"bother|care)\b|"
            r"(?:did(?:n['’]t| not)|never)\s+(?:\w+ly\s+)?(?:check|test|verify|read|look|follow|"
            r"run|review|notice|ask|update|consider|think|wait|escalate|tell|warn|monitor|validate|"
            r"checked|tested|verified|looked|followed|ran|reviewed|noticed|asked|updated|"
            r"considered|thought|waited|escalated|told|warned|monitored|validated|bothered|"
            r"understand|understood|know|knew|grasp|realise|realize|care|cared|open|opened|"
            r"responded|replied|documented|mentioned|informed|catch|caught|spot|spotted|flag|"
            r"flagged|see|saw|pass|passed|forward|forwarded|share|shared|notify|notified|"
            r"communicate|communicated|announce|announced|report|reported|answer|answered|"
            r"acknowledge|acknowledged|respond|confirm|confirmed|double-check|double-checked|"
            r"restore|restored|listen|listened|heed|heeded|read up))"
        ),
        SYSTEM,
        True,
        exempt=_explained,
    ),
    _rule(
        _after_person(
            r"broke|caused|botched|bungled|wrecked|trashed|nuked|blew up|misconfigured|misused|"
            r"mis-configured|mishandled|misjudged|misread|let (?:the |a |an |it |this |our |their )?(?:[\w-]+ ){0,2}"
            r"(?:slip|through|expire|lapse|rot|fester|stall|slide|drift|languish|pile up)"
        ),
        CULPRIT,
        True,
    ),
    _rule(
        _after_person(
            r"(?:rushed|hurried|yolo['’]?d|skipped|bypassed|circumvented|ran roughshod over|"
            r"blindly\s+\w+|carelessly\s+\w+|hastily\s+\w+|lazily\s+\w+|recklessly\s+\w+|"
            r"sloppily\s+\w+|fat[- ]?fingered|rubber[- ]?stamped|waved through|"
            r"sat on (?:it|them|the \w+)|blew (?:past|through|right through)|self-(?:merged|approved)|lost (?:track|sight) of|"
            r"(?:pushed|deployed|shipped|merged|went|committed)\s+(?:it\s+|the\s+\w+\s+)?"
            r"(?:straight|directly|right)\s+(?:in)?to\s+(?:prod|production|main|master))"
        ),
        HASTE,
        True,
        exempt=_explained,
    ),
    _rule(
        _after_person(r"made (?:a|an|the)? ?(?:\w+\s+)?(?:mistake|error|blunder|oversight)s?"),
        "describe the conditions that made the action easy to get wrong and how a check could "
        "catch it",
        True,
    ),
    _rule(
        r"\b(?:careless(?:ly|ness)?|negligen(?:t|ce|tly)|sloppy|sloppiness|lazy|laziness|"
        r"incompeten(?:t|ce)|stupid(?:ity)?|dumb|idiot(?:ic|s)?|reckless(?:ly|ness)?|clueless|"
        r"inexcusable|amateurish|inattenti(?:ve|on)|irresponsib(?:le|ly|ility)|unprofessional(?:ly)?|"
        r"incompetently|sloppily|hastily|lazily|"
        r"foolish(?:ly|ness)?|thoughtless(?:ly|ness)?|boneheaded|half-?assed|cavalier|"
        r"complacen(?:t|cy|ce)|lax|laxity|inept(?:itude|ly)?|slapdash|shoddy|shoddily|haphazard(?:ly)?|"
        r"lackadaisical|arrogan(?:t|ce)|unqualified|hopeless|pathetic|shameful|disgraceful|"
        r"naive (?:to|of|enough)|ignorant of|sheer (?:stupidity|laziness|incompetence|ignorance))\b",
        JUDGEMENT,
    ),
    _rule(
        r"\b(?:human|operator|user|pilot|engineer|developer)\s+(?:error|negligence)\b|\bpebkac\b"
        r"|\blayer[- ]8\b|\brookie (?:mistake|error|move)\b",
        "'human error' ends the analysis where it should start: describe what made the action "
        "easy to get wrong and how the system could catch it",
        exempt=_mentioned,
    ),
    _rule(
        r"\b(?:dropped the ball|mess(?:ed)? up|screw(?:ed)? up|botched|fumbled|blew it|goofed|"
        # haste said of a change, passive or not ("deployed in a hurry"), not of users in a hurry
        r"(?:deployed|pushed|shipped|rolled|merged|released|approved|applied|made)(?:\s+(?:out|through|"
        r"in))?\s+(?:[\w-]+\s+){0,2}?in (?:a |such a )?(?:hurry|rush)|(?:[\w-]+ed)(?:\s+out)?\s+in haste|"
        r"cut(?:ting)? corners|asleep at the (?:wheel|switch)|fell asleep|jumped the gun|"
        r"went rogue|cowboy(?:ed|ing)?|winged it|passed the buck|looked the other way|"
        r"turned a blind eye|took (?:a|the) shortcut|threw it over the wall|"
        r"couldn['’]t be bothered|could not be bothered|too (?:lazy|busy|impatient|careless|"
        r"inexperienced|green|junior) to|"
        r"yolo['’]?d|kick(?:ed|ing)? the can(?: down the road)?|phon(?:ed|ing) it in|"
        r"shot from the hip|took (?:their|his|her|our|my|your|the) eyes? off the ball|"
        r"under the bus|half-?cocked|someone else['’]s problem|not my (?:job|problem)|"
        r"(?:wasn['’]t|was not|isn['’]t|not) up to the (?:job|task)|out of (?:his|her|their) depth|"
        r"(?:poor|bad|questionable|terrible) judge?ment|lack of (?:care|diligence|competence|"
        r"judge?ment|discipline|rigou?r|attention to detail)|minimal amount of care|"
        r"anyone with (?:half a brain|common sense)|wishful thinking|"
        r"threw (?:[\w-]+\s+){0,3}over the wall|swept (?:[\w-]+\s+){0,4}under the (?:rug|carpet)|"
        r"play(?:ed|ing|s)? fast and loose|wing(?:ed|ing)\s+(?:it|the\s+[\w-]+)|"
        r"hop(?:ed|ing) for the best|crossed (?:their |his |her |our )?fingers|phoned in|"
        r"not (?:competent|qualified|capable|fit) (?:to|for|enough)|"
        r"slapp(?:ed|ing) together|slapp(?:ed|ing) a band-?aid on|caught napping|"
        r"went back to (?:bed|sleep)|let (?:it|them|this|that|the \w+) (?:slip|fall) through the cracks|"
        r"(?:going|went) through the motions|gloss(?:ed|ing) over|paper(?:ed|ing) over|"
        r"as if it were optional|half-baked|hand-?waved|by the seat of (?:their|his|her) pants|"
        r"asleep on the job|on autopilot|head in the sand|could(?:n['’]t| not) care less|"
        r"(?:did(?:n['’]t| not)|nobody|no one) care[ds]?|in one ear and out the other|"
        r"(?:not|never)\s+(?:reading|checking|testing|following|looking at|bothering with)\s+the\s+"
        r"(?:docs|documentation|runbook|manual|instructions|logs|warnings?|checklist))\b",
        HASTE,
    ),
    # "without testing" is blame only when a person went without: "the reviewer approved it
    # without reading it", not "the model answered without reading the whole context".
    _rule(
        r"\bwithout (?:even |first |ever )?(?:bothering|thinking|looking|checking|testing|reading|"
        r"asking|running|reviewing|verifying|validating|waiting|consulting|confirming|"
        r"double-checking|telling|notifying|following|informing)\b",
        HASTE,
        exempt=lambda match, line: not _person_before(match, line),
    ),
    _rule(
        r"\b(?:did(?:n['’]t| not)|never|could(?:n['’]t| not)(?: be)?|(?:nobody|no one|no-one)"
        r"(?:\s+(?:on|in|from|at)\s+(?:the\s+)?[\w-]+(?:\s+[\w-]+)?)?)\s+bother(?:ed)?\b",
        SYSTEM,
    ),
    _rule(
        r"\bwho(?:ever)?\s+(?:broke|caused|pushed|deployed|merged|shipped|approved|introduced)\b"
        r"|\bwhoever\s+(?:\w+ly\s+)?\w+ed\b",
        "ask what changed and how it reached production, not who did it",
    ),
    _rule(r"\b(?:the culprit|person responsible|responsible party|scapegoat)\b", CULPRIT),
    _rule(
        r"\bwhy\s+did(?:n['’]t| not)?\s+(?:you|he|she|they)\b",
        "ask 'what' and 'how' questions (e.g. 'what did the dashboard show at 14:00?'), which "
        "invite facts instead of defence",
    ),
    _rule(
        r"\b(?:was(?:n['’]t| not)|were(?:n['’]t| not)|not)\s+paying attention\b"
        r"|\black of attention\b",
        "describe what the signal looked like and what competed for attention at the time",
    ),
    _rule(
        _after_person(
            r"mistyped|misspelled|mis-typed|misclicked|fat[- ]?fingered|typo['’]?d|"
            r"(?:committed|pushed|pasted|leaked|posted|checked in|hard-?coded)\s+(?:the\s+|their\s+|"
            r"our\s+|his\s+|her\s+|some\s+)?(?:[\w-]+\s+)?(?:keys?|secrets?|credentials?|passwords?|"
            r"tokens?)"
        ),
        CULPRIT,
        True,
    ),
    _rule(
        _after_person(r"\w+ed\s+(?:the|a|an)\s+(?:wrong|incorrect)"),
        CULPRIT,
        True,
    ),
    # A person's action on the wrong target, or against the process, in the same sentence:
    # "the DBA dropped the orders table instead of the staging copy", "reverted the rules
    # without approval", "deleted the flag while it was still in use".
    _rule(
        _SUBJECT
        + r"(?:\s+\w+ly)?\s+(?P<verb>"
        + _DESTRUCTIVE_ACT
        + r")\b[^.!?;]{0,80}?\b"
        + _AGAINST_PROCESS,
        CULPRIT,
        person_subject=True,
    ),
    # ... and the same in the passive: "the change was pushed by the intern without review".
    _rule(
        r"\b(?:was|were|got|been)\s+(?:\w+ly\s+)?(?P<verb>"
        + _DESTRUCTIVE_PARTICIPLE
        + r")\s+by\s+"
        + _SUBJECT
        + r"[^.!?;]{0,80}?\b"
        + _AGAINST_PROCESS,
        CULPRIT,
        person_subject=True,
    ),
    _rule(
        r"\b(?:caused|broken|introduced|triggered|started|created)\s+by\s+(?:the\s+|a\s+|an\s+|"
        r"our\s+|their\s+)?(?:[\w-]+\s+){0,2}" + _ROLE_NOUN + r"\b",
        CULPRIT,
    ),
    _rule(
        _after_person(
            r"left\s+(?:the\s+|a\s+|an\s+|our\s+|their\s+)?(?:[\w-]+\s+){0,3}?(?:public|open|"
            r"unlocked|exposed|unpatched|unencrypted|world-readable|unprotected|unmonitored)"
        ),
        CULPRIT,
        True,
    ),
    # The passive of haste or neglect: "was rubber-stamped by two approvers", "was rushed out".
    _rule(
        r"\b(?:was|were|got|been|being)\s+(?:\w+ly\s+)?(?:rubber[- ]?stamped|rushed(?: out| through)?|"
        r"waved through|botched|bungled|mishandled|yolo['’]?d|slapped together)\b",
        HASTE,
    ),
    # The passive with its agent: a neglect or a misdeed done "by" a person ("the warning was
    # ignored by the release manager", "the approver was bypassed by the author").
    _rule(
        r"\b(?:was|were|got|been|being|is|are)\s+(?:\w+ly\s+|also\s+|then\s+)?(?P<verb>"
        + _NEGLECT_PARTICIPLE
        + r")\s+(?:entirely\s+|completely\s+)?by\s+"
        + _SUBJECT,
        HASTE,
        person_subject=True,
    ),
    _rule(r"\bshare[sd]?\s+(?:the |some of the |equal )?(?:fault|blame)\b", CAUSES),
    # A person's doing, then an omission later in the same sentence: "the SRE disabled the alert
    # and then forgot it existed".
    _rule(
        _SUBJECT + r"(?:\s+[^.!?;]{0,80}?\band|\s*,\s*who)\s+(?:then\s+|also\s+)?(?P<verb>forgot|"
        r"ignored|neglected|failed to|skipped|never\s+\w+|did(?:n['’]t| not)\s+\w+|"
        r"left\s+\w+\s+\w+\s+to|self-(?:merged|approved)|went back to (?:bed|sleep))\b",
        SYSTEM,
        person_subject=True,
        exempt=_explained,
    ),
    # "They never checked": "they" is often systems, so only with the checks people skip.
    _rule(
        r"\bthey\s+(?:\w+ly\s+)?(?:never|did(?:n['’]t| not))\s+(?:\w+ly\s+)?(?:check|checked|test|"
        r"tested|verify|verified|read|bother|bothered|ask|asked|look|looked|review|reviewed|follow|"
        r"followed|confirm|confirmed|listen|listened)\b",
        SYSTEM,
        exempt=_explained,
    ),
    # Exasperation at a repeat, said of a person or a team: "Mobile shipped it without the flag,
    # again."
    _rule(
        r"^\W*"
        + _SUBJECT
        + r"\s+(?=[^.!?;]*?\b(?:without|no|not|never|n['’]t|skipp\w*|broke|broken|ignor\w*|forg[oe]t\w*|"
        r"miss\w*|wrong)\b)[^.!?;]{3,120}?,\s*(?:yet\s+|once\s+|all over\s+)?again\s*[.!]*\s*$",
        HASTE,
        person_subject=True,
    ),
    # Work judged as worthless: "the release team shipped garbage".
    _rule(
        _after_person(
            r"(?:shipped|wrote|pushed|made|delivered|produced|merged|deployed|left us)\s+"
            r"(?:(?:a|an|the|some|total|complete|absolute|utter)\s+)*(?:garbage|junk|trash|crap|"
            r"rubbish|mess|spaghetti|nonsense|hack job|disaster)"
        ),
        JUDGEMENT,
        True,
    ),
    # Bare praise as a sentence of its own, with nothing said of what went well: a sneer.
    _rule(
        r"^\W*(?:great|nice|good|fantastic|stellar|amazing|excellent|awesome|brilliant|super)\s+"
        r"(?:job|work|going)(?:\s+\w+ing\s+(?:that|this|it)(?:\s+one)?)?"
        r"(?:,?\s+(?:team|everyone|folks|all|guys|people|y['’]all))?\s*[.!]+\s*$",
        SARCASM,
    ),
    # Counterfactual blame: what would not have happened if a person had done otherwise.
    _rule(
        r"\bif\s+(?:only\s+)?" + _SUBJECT + r"\s+(?:had|'d|hadn['’]t|had not|had never)\s+"
        r"(?:(?:just|only|simply|even|actually|bothered to)\s+)*(?!been\b)[\w-]+",
        COUNTERFACTUAL,
        person_subject=True,
    ),
    _rule(
        r"(?:^|[.!?,;]\s+|[-*]\s+|\b(?:avoidable|preventable|avoided|prevented|fine|caught|"
        r"stopped|different)\s+)(?P<had>had)\s+" + _SUBJECT + r"\s+(?:(?:just|only|simply)\s+)*"
        r"(?!been\b)[\w-]+(?:ed|en|un|ne|wn|ad|ked)\b",
        COUNTERFACTUAL,
        person_subject=True,
    ),
    # The inversion with a negation is a counterfactual wherever it stands: "... was trivial had
    # the author not disabled the breaker".
    _rule(
        r"\b(?P<had>had)\s+"
        + _SUBJECT
        + r"\s+(?:not|never)\s+(?:\w+ly\s+)?(?!been\b)[\w-]+(?:ed|en|un|ne|wn|ad|ked)\b",
        COUNTERFACTUAL,
        person_subject=True,
    ),
    # "they" may be systems ("if they had been configured"), so only with what people do.
    _rule(
        r"(?:\bif\s+(?:only\s+)?they\s+(?:had|'d)|(?:^|[.!?,;]\s+)\W*(?P<had>had)\s+they)\s+"
        r"(?:(?:just|only|simply|even|actually)\s+)*(?:listened|read|asked|waited|bothered|"
        r"paid attention|looked|heeded|followed|checked|tested|reviewed|double-checked|thought)\b",
        COUNTERFACTUAL,
    ),
    # The one small act of a person that "would have prevented" it: "a single question in #infra
    # before the change would have prevented all of this".
    _rule(
        r"\b(?:a|one|any) (?:single|simple|quick|basic|minimal|brief|five-minute|two-minute)\s+"
        r"(?:question|message|ping|glance|look|call|phone call|email|heads-up|conversation|word|"
        r"read-through|double-check|sanity check)\b[^.!?]{0,60}?\bwould(?:\s+have|['’]ve)\s+"
        r"(?:\w+ly\s+)?(?:prevented|avoided|caught|stopped|saved|spared)\b",
        COUNTERFACTUAL,
    ),
    # Traits of a person, said of a role: "an inexperienced and overconfident junior engineer",
    # "the on-call was sluggish and disengaged".
    _rule(
        r"\b(?:an?|the|our|their|this|that)\s+(?:[\w-]+\s+)?(?:"
        + _PERSON_TRAIT
        + r")\s+(?:(?:and|or|,)\s+(?:[\w-]+\s+)?)?(?:[\w'’-]+\s+){0,2}?"
        + _ROLE_NOUN
        + r"\b|"
        + _SUBJECT
        + r"\s+(?:was|were|is|are|seemed|appeared|has been|had been|looked)\s+(?:\w+ly\s+)?"
        r"(?:[\w-]+\s+(?:and|or)\s+)?(?:" + _PERSON_TRAIT + r")\b(?!\s+(?:with|in|on|at)\b)",
        JUDGEMENT,
        exempt=lambda match, line: (
            match.groupdict().get("capitalised") is not None and not _is_person_subject(match, line)
        ),
    ),
    # What a person "needs to" become: "the author needs to be far more careful next time".
    _rule(
        _after_person(
            r"(?:needs? to|must|should|has to|have to|will have to|ought to)\s+(?:(?:be|get|become)\s+)?"
            r"(?:(?:far|much|a lot|a bit|way)\s+)?(?:more\s+(?:careful|diligent|attentive|thorough|"
            r"cautious|responsible|disciplined|rigorous)|pay (?:more|closer) attention|take more care|"
            r"do better|step up|be retrained|slow down and think)"
        ),
        JUDGEMENT,
        True,
    ),
    # A fault given by an elided possessive: "Not the load balancer's fault; the operator's."
    _rule(
        r"^\W*(?:but\s+|rather\s+|it was\s+)?(?:the|an?|our|their)\s+(?:[\w'’-]+\s+){0,2}?"
        + _ROLE_NOUN
        + r"['’]s?\s*[.!]*\s*$",
        CAUSES,
    ),
    _rule(
        r"\b(?:a|one|any) (?:simple|single|quick|basic|minimal)\s+[\w-]+(?:\s+[\w-]+){0,4}?\s+(?:by|from)\s+"
        r"(?:the\s+)?(?:" + _ROLE_NOUN + r"|anyone|someone|somebody|anybody)(?:\s+(?:on|in|from)\s+"
        r"[\w-]+(?:\s+[\w-]+)?)?\s+would(?:\s+have|['’]ve)\b"
        r"|\bwould have been (?:avoided|prevented|caught) if\s+(?:the\s+)?(?:" + _ROLE_NOUN + r"|"
        r"ops|qa|he|she|you|someone|(?-i:[A-Z][a-z]+))\b"
        r"|\ball (?:it took|that was needed|that was required|they had to do|he had to do|"
        r"she had to do) was\b|\bwould(?:n['’]t| not| never) have happened if\s+(?:the\s+)?"
        r"(?:" + _ROLE_NOUN + r"|he|she|you|someone|somebody|(?-i:[A-Z][a-z]+))\b",
        COUNTERFACTUAL,
    ),
    # Sarcasm: praise for a failure, and the markers of a sneer.
    _rule(
        r"\b(?:great|nice|good|fantastic|stellar|brilliant|amazing|excellent|wonderful|"
        r"outstanding|superb|fine|impressive|top-notch)\s+(?:job|work|call|move|thinking|idea|"
        r"planning|testing|reviewing|review|decision|timing|choice)\b(?=[^.!?]*(?:\b(?:broke|"
        r"breaking|broken|outage|down|failed|failing|again|friday|without|skipp|forgot|"
        r"ignor|nobody|no one|prod\b|production|on a)|!|\.\.\.|…))",
        SARCASM,
    ),
    _rule(
        r"\b(?:apparently|of course|obviously|naturally|clearly|evidently)\s*,?\s+"
        r"(?:nobody|no one|no-one|someone|somebody|the (?:\w+\s+)?(?:" + _ROLE_NOUN + r"))\b"
        r"|\bwhat could (?:possibly )?go wrong\b|\bsurprise,? surprise\b"
        r"|\bwho (?:would|could) have (?:guessed|thought|known)\b|\bthanks for nothing\b"
        r"|\b(?:genius|brilliant|stroke of genius) (?:move|idea|decision|plan)\b"
        r"|\bbecause (?:that|testing|reading) (?:always works|is optional|is overrated)\b"
        r"|\bheroic(?:ally)?\s+(?:ignored|skipped|broke|managed to break|response)\b"
        r"|\b(?:kudos|thanks|hats off|shout-?out|props)\s+to\s+(?:whoever|some)\b"
        r"|\bif by \w+ you mean\b|\bwho needs (?:a|an|the)?\s*[\w-]+(?:\s+[\w-]+)?\s+when\b"
        r"|,\s*right\s*\?|\bshockingly\b|\b(?:was|is) the plan all along\b"
        r"|\bfinally (?:answered|responded|woke|showed|bothered|noticed|looked|read|acknowledged)\b"
        r"|\banother (?:flawless|perfect|smooth|great|stellar|seamless) \w+"
        r"|\b(?:purely|merely|just) decorative\b|\bhow (?:thoughtful|kind|nice|considerate) of\b"
        r"|\bi['’]m sure\b[^.!?]*\btoo (?:subtle|hard|obscure)\b|\btruly (?:brilliant|inspired|stellar)\b"
        r"|\b(?:clearly|apparently|obviously|evidently),?\s+(?:reading|testing|checking|reviewing|"
        r"following|the runbook|the docs|review|staging)\b[^.!?]*\b(?:optional|overrated|beneath)\b"
        r"|\bthanks,\s+[^,.!?]{1,30},\s+for\b"
        r"|\bbecause (?:obviously|clearly|of course|naturally|apparently)\b"
        r"|\b(?:exactly|just) as (?:designed|intended|planned)\b"
        r"|[;,.]\s*(?:evidently|apparently|clearly|obviously|i guess|guess) not\b|\bsurely (?:someone|somebody|"
        r"the\s+\w+)\b|\bnice to see\b[^.!?]*\b(?:still|finally|again|once more)\b"
        r"|\bwould be (?:generous|charitable|kind|an overstatement)\b"
        r"|\b(?:truly|so|very|how|rather|most) (?:heroic|generous|thoughtful|kind|nice|brave|"
        r"considerate|helpful) of\b|\bget around to\b[^.!?]*\beventually\b"
        r"|\bin the sense that\b"
        r"|\bthanks to (?:our|the|some) (?:brilliant|amazing|stellar|wonderful|genius|fantastic|"
        r"excellent|tireless|eagle-eyed|diligent)\s+\w+"
        r"|\bthanks (?:a lot|a bunch|a million)\b|\b(?:ten|\d+|bonus|extra) points to\b"
        r"|\bwell done to\b|\bwhat a (?:surprise|shock|shocker)\b|\bmasterclass\b"
        r"|\bnice of\s+(?:the|our|you|him|her|them)\b|\bbravo\b"
        r"|\bi['’]m sure\b[^.!?]*\b(?:excellent|good|great|very good|perfectly good) reasons?\b"
        r"|\b(?:great|good|nice|brilliant|smart|excellent) (?:call|move|idea|thinking)\s+\w+ing\b",
        SARCASM,
    ),
    # Sarcasm by what a team "proves" a safeguard is, or whom a rule is for: "the mobile team
    # proves that staging is optional", "the checklist is more of a suggestion for some people".
    _rule(
        r"\b(?:proves?|proved|(?:once|yet) again\s+(?:shows?|showed|demonstrates?|demonstrated))\s+"
        r"(?:that\s+)?(?:[\w-]+\s+){0,4}?"
        r"(?:is|are|was|were|as)\s+(?:just\s+|purely\s+|entirely\s+|clearly\s+)?(?:optional|overrated|"
        r"for other people|beneath (?:them|him|her)|a suggestion)\b"
        r"|\bmore of a (?:suggestion|guideline|formality)\b"
        r"|\bfor (?:some|certain) (?:people|folks|of us)\s*[.!]*\s*$"
        r"|,\s*who knew\s*[.?!]*\s*$|^\W*who knew\s*[?!.]+\s*$"
        r"|\bat least (?:the|our|that|this)\s+(?:[\w-]+\s+)?"
        + _ROLE_NOUN
        + r"\s+(?:now\s+)?(?:knows|learned|has learned|understands)\b"
        r"|\b(?:kudos|thanks|props|hats off|shout-?out|congratulations|congrats)\s+to\s+[^.!?]{1,40}?"
        r"\bfor\s+(?:discovering|finding out|proving|demonstrating|learning|teaching us|reminding us|"
        r"showing us)\b[^.!?]*\b(?:in prod(?:uction)?|the hard way|live)\b"
        r"|\b(?:stellar|great|fantastic|amazing|excellent|wonderful|outstanding|superb|impressive|"
        r"top-notch|world-class|brilliant|stunning)\s+(?:[\w-]+\s+){0,3}?(?:from|by)\s+"
        r"[^.!?]{0,40}?\bas (?:always|usual|ever)\b",
        SARCASM,
    ),
    # Scare quotes around what people did or are ("fix", "review", "senior"): the quotation marks
    # say it was not one. (Quotations introduced as someone's words are masked before this.)
    _rule(
        r"(?:\bso-called\s+)?(?<![\w'’])[\"“‘'](?P<scare>(?:[\w'-]+\s+){0,2}?(?:certified|complete|completed|"
        r"thorough|evaluation|evaluated|tested|later|fine|done|ready|followed|read|monitored|"
        r"supervised|fix|fixes|fixed|review|reviews|"
        r"reviewed|testing|tested|test|tests|check|checks|checked|investigation|investigated|"
        r"runbook|tweak|expert|experts|senior|careful|carefully|harmless|quick|plan|process|"
        r"safeguard|monitoring|documentation|docs|handoff|hand-off|analysis|design|rollout|"
        r"solution|improvement|cleanup|clean-up|refactor|approval|approved|oversight|help|"
        r"professional|professionals|thorough|best practices?|safe|safely|validated|verified|"
        r"qa|engineer|engineers|team|ownership|owner|owned|on-call|procedure|workaround|"
        r"hotfix|patch|process|diligence|standards|policy|experienced|skilled|qualified|seasoned|"
        r"specialists?|hardening|cleanup script)(?:\s+[\w'-]+){0,2}?[.,!?]?)[\"”’']"
        r"|[\"“][^\"”\n]{3,40}[\"”]\s+(?:deploy|deployment|release|fix|change|attitude|approach|"
        r"culture|mindset|mentality|moment|review|process|school of)\b",
        SCARE_QUOTES,
        exempt=lambda match, line: (
            _whole_sentence(match, line) or _too_long(match) or _names_a_part(match, line)
        ),
    ),
    _rule(r"\bso-called\b", SCARE_QUOTES),
    # Scare quotes around a person's work, the person named by a possessive or by "by": "the
    # intern's 'quick cleanup script'", "Security's 'hardening' by the new team lead".
    _rule(
        r"(?:\b(?:[\w-]+\s+)?(?:"
        + _ROLE_NOUN
        + r"|"
        + _DEPARTMENT
        + r")['’]s?\s+)(?<![\w'’])[\"“‘'](?P<scare>[\w\s-]{2,40})[\"”’']",
        SCARE_QUOTES,
        exempt=lambda match, line: _whole_sentence(match, line),
    ),
    _rule(
        r"(?<![\w'’])[\"“‘'](?P<scare>[\w\s-]{2,40})[\"”’']\s+(?:(?:of|from)\s+[^.!?,]{0,30}?)?by\s+"
        + _SUBJECT,
        SCARE_QUOTES,
        person_subject=True,
    ),
    # Scare quotes around a person's action: the reviewer "checked" the diff.
    _rule(
        _SUBJECT
        + _BETWEEN
        + r"(?:(?:was|were|is|had|has)\s+)?[\"“'‘](?P<quoted>[\w -]{2,30})[\"”'’]",
        SCARE_QUOTES,
        person_subject=True,
    ),
)


def _is_person_subject(match: re.Match[str], line: str) -> bool:
    """A pronoun, a role, a handle, or a capitalised word that is a given name used as one."""
    word = match.groupdict().get("capitalised")
    if word is None:
        return True
    return is_person_name(word, line, match.start("capitalised"))


def _matches(rule: Rule, line: str) -> Iterator[re.Match[str]]:
    """The rule's matches; where its subject is no person ("To quote ... "The DB team ..."),
    the search goes on from the next word, not from the end of that match."""
    position = 0
    while position <= len(line):
        match = rule.pattern.search(line, position)
        if match is None:
            return
        if rule.person_subject and not _is_person_subject(match, line):
            following = line.find(" ", match.start() + 1)
            position = len(line) + 1 if following < 0 else following + 1
            continue
        yield match
        position = max(match.end(), match.start() + 1)


def blame_findings(number: int, line: str) -> Iterator[Finding]:
    """The blaming phrases of `line`, one sentence or table cell (prose.sentences splits them, so
    no rule here looks past a full stop); where rules overlap ("was "too lazy to test"" is a
    scare quote, a judgement and an idiom), the one that starts first and reaches furthest."""
    found: list[tuple[int, int, Rule]] = []
    for rule in RULES:
        for match in _matches(rule, line):
            if rule.exempt is not None and rule.exempt(match, line):
                continue
            start = match.start() + len(match.group(0)) - len(match.group(0).lstrip())
            if match.groupdict().get("had"):
                start = match.start("had")
            found.append((start, len(line[start : match.end()].rstrip()), rule))
    end = -1
    for start, length, rule in sorted(found, key=lambda item: (item[0], -item[1])):
        if start < end:
            continue  # inside a phrase already reported
        end = start + length
        yield Finding(number, start + 1, line[start:end], "blame", rule.suggestion)
