"""Personal names and @handles: who is a person in a report, and where a name is used as one.

Given names come from a committed list of the 4,000 most common US given names (Social Security
Administration data, a US-government work; see labkit/data/DATACARD.md). Names that are also
ordinary words ("Will", "Mark", "Grant") or months and places ("May", "June", "Virginia") count as
names only where they act as names: a possessive, a person's verb next to them, a capital letter
in the middle of a sentence. A month or a place is never the subject of a blamed action
("Virginia failed over to Oregon").
"""

from __future__ import annotations

import functools
import re
from collections.abc import Iterator
from importlib import resources

from labkit.blameless.findings import Finding

# Products, models and platforms that share a spelling with a given name: never a person here.
PRODUCTS = frozenset(
    {
        "Claude",
        "Alexa",
        "Siri",
        "Cortana",
        "Gemini",
        "Sonnet",
        "Opus",
        "Haiku",
        "Jenkins",
        "Watson",
        "Cassandra",
    }
)

NAME_SUGGESTION = (
    "use the role instead of the name (e.g. 'the on-call engineer', 'the change author'); a "
    "blameless report names roles and systems, not people"
)
HANDLE_SUGGESTION = "replace the @mention with the role it stands for (e.g. 'the support lead')"


@functools.cache
def given_names() -> dict[str, str]:
    """Given name -> kind ("name", "word" or "proper"), from labkit/data/given_names.tsv."""
    raw = resources.files("labkit").joinpath("data/given_names.tsv").read_text(encoding="utf-8")
    names: dict[str, str] = {}
    for number, row in enumerate(raw.splitlines()[1:], start=2):
        name, _, kind = row.partition("\t")
        if kind not in ("name", "word", "proper"):
            raise ValueError(f"labkit/data/given_names.tsv line {number}: unknown kind {kind!r}")
        names[name] = kind
    return names


def _words(text: str) -> frozenset[str]:
    return frozenset(text.split())


# Month names and their abbreviations: next to a day number they are a date, whatever the list
# of given names says ("1 Jan", "June 5").
MONTH_WORDS = _words(
    """Jan January Feb February Mar March Apr April May Jun June Jul July Aug August Sep Sept
    September Oct October Nov November Dec December"""
)


# Words next to a name that make it a person: "Mark pushed", "asked June". Of these, only the
# ones a place or a month cannot do make a month or a place a person ("May said", not "Virginia
# failed").
PERSON_VERBS = _words(
    """said says wrote writes asked asks told tells thought noticed saw decided deployed deploys
    pushed pushes merged merges approved approves reviewed reviews rolled restarted ran paged
    forgot forgets missed broke failed should made changed fixed found escalated replied posted
    opened filed owns owned joined took tried checked investigated confirmed believed knew
    realised realized started stopped acknowledged acked handed shipped introduced caused
    didn't neglected ignored messed dropped wanted agreed suggested mentioned reported rushed
    skipped approves forgot overlooked acks acknowledges joins escalates pages notices confirms
    posts declares declared hands signed updated reverted rebooted replaced"""
)
# What a month or a place can do too ("May saw a rise", "Virginia failed over").
_PLACE_VERBS = _words("failed broke caused started stopped made changed should saw owns owned took")
_ONLY_PEOPLE_VERBS = PERSON_VERBS - _PLACE_VERBS
ADDRESSING = frozenset(
    {"asked", "told", "pinged", "paged", "thanks", "thank", "cc", "ask", "tell", "ping", "page"}
)
# Parts of @handles that stand for a role, a team or a channel rather than a person
# (@oncall-inference, @sre-team, @here).
_ROLE_HANDLE_PARTS = _words(
    """oncall on call team sre support infra ops devops eng engineering lead bot here channel
    everyone all incident platform inference serving triage release security sec admin ml data
    eval observability product qa"""
)
_WORD = re.compile(r"(?<![\w@./-])([A-Z][a-z]+)(['’]s)?(?![\w@/-]|\.\w)")
_HANDLE = re.compile(r"(?<![\w.@])@([A-Za-z][\w.-]*[A-Za-z0-9_]|[A-Za-z])")
_LINE_MARKUP = re.compile(r"\s*(?:#{1,6}\s+|>\s*|[-*+]\s+|\d+[.)]\s+|\|\s*)*[*_]*\s*")


def is_role_handle(handle: str) -> bool:
    parts = [part.removesuffix("s") for part in re.split(r"[-_.]", handle.lower()) if part]
    return any(part in _ROLE_HANDLE_PARTS for part in parts) or handle.lower() in _ROLE_HANDLE_PARTS


def is_person_name(word: str, line: str, start: int) -> bool:
    """Whether a capitalised word at `start` of `line`, the subject of a verb, is a person."""
    kind = given_names().get(word)
    if kind is None or word in PRODUCTS or word in _NOT_NAMES:
        return False
    if _is_thing(line, start, start + len(word)):
        return False
    if kind == "name":
        return True
    following = next_word(line, start + len(word))
    if kind == "proper":
        return following in _ONLY_PEOPLE_VERBS  # "May said", never "Virginia failed over"
    # "Will", "Mark", "Grant": a name in mid-sentence, or before a person's verb.
    return following in PERSON_VERBS or not starts_sentence(line, start)


def next_word(line: str, end: int) -> str:
    match = re.match(r"[\s\x00]+([\w'’]+)", line[end:])
    return match.group(1).lower() if match else ""


def previous_word(line: str, start: int) -> str:
    match = re.search(r"([\w'’]+)[\s,]*$", line[:start])
    return match.group(1).lower() if match else ""


def starts_sentence(line: str, start: int) -> bool:
    before = line[:start]
    if _LINE_MARKUP.fullmatch(before):
        return True
    stripped = before.rstrip(" \t*_")
    return not stripped or stripped[-1] in '.!?:;|([—–"“'


def _capitalised_neighbour(line: str, start: int, end: int) -> bool:
    """Part of a Title Case phrase ("the Grant Review Board"): then a capital is no evidence."""
    after = re.match(r"\s+([A-Z][a-z]+)", line[end:])
    before = re.search(r"([A-Z][a-z]+)\s+$", line[:start])
    if before and not starts_sentence(line, before.start(1)):
        return True
    return bool(after)


# Nouns after a name that make it a place or a product ("the Austin office", "Julia notebooks").
_THING_AFTER = _words(
    """region regions office offices warehouse warehouses datacenter datacentre data center
    centre campus site sites zone zones area plant branch airport store stores hub cluster
    clusters pop edge notebook notebooks script scripts server servers client clients library
    package runtime version kernel job jobs pipeline pipelines build builds plugin plugins
    instance instances node nodes bot bots service services app release street avenue county
    point points pops
    city state province metro line lines account"""
)
# Words before a name that make it a place: "in Jordan", "from the Florence warehouse".
_PLACE_BEFORE = _words("in into from across near via through around outside inside the of")


_APPOSED_THING = re.compile(
    r",\s+(?:the|our|a|an|their)\s+(?:[\w-]+\s+){0,3}?(?:bot|tool|service|system|pipeline|script|"
    r"job|assistant|model|agent|app|daemon|server|cluster|platform|region|city|office)\b",
    re.I,
)
_JOINED_PLACE = re.compile(
    r"\b(?:in|into|from|across|near|via|through|around|of)\s+[A-Z][a-z]+,?\s+(?:and|or)\s+$"
)


def _is_thing(line: str, start: int, end: int, *, places: bool = True) -> bool:
    """A name used as a place or a product here, whatever its kind (`places`: a preposition of
    place before it counts too)."""
    following = next_word(line, end)
    if following in _THING_AFTER or re.match(r"\s+[A-Z]{2,}\b", line[end:]):
        return True  # "the Austin office", "Travis CI"
    if _APPOSED_THING.match(line[end:]):
        return True  # "Jarvis, our internal deploy bot, posted ..."
    if _JOINED_PLACE.search(line[:start]):
        return True  # "customers in Georgia and Jordan"
    return places and previous_word(line, start) in _PLACE_BEFORE


def _acts_as_name(line: str, match: re.Match[str], kind: str, heading: bool) -> bool:
    """Whether a word from the name list is used as a person's name here."""
    start, end = match.start(1), match.end(1)
    if _is_thing(line, start, end) and match.group(2) is None:
        return False
    dated = re.match(r"\s*\d{1,2}\b(?!:)", line[match.end() :]) or re.search(
        r"(?<![:\d])\d{1,2}(?:st|nd|rd|th)?\s*$", line[:start]
    )
    if dated and match.group(1) in MONTH_WORDS:
        return False  # "1 Jan", "Jan 5": a date, though Jan is also a given name
    if kind == "name":
        return True
    if dated:
        return False  # "May 5", "5 June": a date (not "at 03:12 Tom acknowledged")
    following, preceding = next_word(line, end), previous_word(line, start)
    if kind == "proper":
        # A month or a place: always capitalised, and it may own things ("Virginia's region"),
        # so only what a person does makes it one ("asked June", "May said").
        return following in _ONLY_PEOPLE_VERBS or preceding in ADDRESSING
    if match.group(2) is not None:
        return True  # a possessive: "Mark's change"
    if following in PERSON_VERBS or preceding in ADDRESSING:
        return True  # "Mark pushed", "asked Grant"
    # kind "word" ("Will", "Mark", "Grant", "Hope"): a capital in mid-sentence is a name's.
    if heading or starts_sentence(line, start):
        return False  # "Will the fix hold?", "Hope was not a plan": capitals any word may have
    return not _capitalised_neighbour(line, start, end)


# Names the list does not have ("Kenji", "Tomasz", "Wei Chen") are found by how English uses a
# person's name: before a verb only people do, after "thanks to", before "from the ... team",
# or in apposition to a role ("Ines, the on-call engineer, ...").
_PEOPLE_ONLY = (
    r"(?:said|wrote|asked|told|noticed|decided|approved|reviewed|paged|"
    r"acknowledged|acked|replied|posted|agreed|suggested|mentioned|reported|volunteered|worked|"
    r"stayed|joined|confirmed|escalated|investigated|realised|realized|thought|believed|knew|"
    r"wanted|forgot|remembered|promised|offered|tried|pushed|merged|owned|led|handed|took over|"
    r"spotted|flagged|pinged|called|emailed|messaged|drafted|wrote up|signed off|paired|"
    r"volunteered|coordinated|apologised|apologized)"
)
_CAPITALISED = r"(?-i:[A-ZÀ-ÖØ-Þ][a-zß-öø-ÿ]+(?:[-'][A-ZÀ-ÖØ-Þ]?[a-zß-öø-ÿ]+)?)"
# What an operator does to a system, with its object: "Tomás updated the status page",
# "Oluwaseun rolled back the deploy". Tools do these too ("Argo rolled back the deploy"), so a
# word counts as a name here only when it is no known product and does not look like an English
# noun (see _looks_like_a_noun).
_OPERATOR_VERB = (
    r"(?:updated|rolled back|restarted|reverted|opened|closed|replaced|paused|resumed|drained|"
    r"rebooted|scaled|created|removed|deleted|edited|killed|disabled|enabled|declared|migrated|"
    r"rotated|renewed|patched|upgraded|downgraded|silenced|muted|cordoned|promoted|re-?ran|"
    r"kicked off|cleared|flushed|purged|restored|unblocked|re-?enabled|bumped|added|fixed|"
    r"rebuilt|redeployed|deployed|shipped|ran|started|stopped|failed over|handed over|"
    r"took over|signed off|wrote|published|announced|assigned|closed out|led|chaired)"
    r"\s+(?:back\s+|over\s+|out\s+|off\s+|on\s+)?(?:the|a|an|our|their|his|her|all|every|both|"
    r"its)\b"
)
_UNLISTED = re.compile(
    r"(?P<name>" + _CAPITALISED + r")(?P<surname>\s+" + _CAPITALISED + r")?"
    r"(?:\s+and\s+" + _CAPITALISED + r")?(?:\s+\([^)]{0,40}\))?"
    r"(?P<dept>\s+from\s+(?:the\s+)?[\w-]+(?:\s+team)?)?\s+(?:\w+ly\s+)?" + _PEOPLE_ONLY + r"\b"
    r"|(?<![\w'’-])(?P<operator>"
    + _CAPITALISED
    + r")(?P<operator_surname>\s+"
    + _CAPITALISED
    + r")?"
    r"(?:\s+and\s+(?:the\s+)?(?:[\w-]+\s+){0,2}?team)?\s+(?:\w+ly\s+)?" + _OPERATOR_VERB + r""
    # the source of a statement: "Per Dmitri, the config had been changed"
    r"|\b(?:per|according to)\s+(?P<source>"
    + _CAPITALISED
    + r")(?:\s+"
    + _CAPITALISED
    + r")?\s*[,:]"
    # a handover between a person and a role: "handed over from Aroha to the EU on-call"
    r"|\bfrom\s+(?P<handover>" + _CAPITALISED + r")\s+to\s+(?:the|a|an|our)\s+(?:[\w-]+\s+){0,2}?"
    r"(?:on-?call|engineer|responder|commander|lead|shift|rotation|primary|secondary)\b"
    r"|\bto\s+(?P<handee>" + _CAPITALISED + r")\s+from\s+(?:the|a|an|our)\s+(?:[\w-]+\s+){0,2}?"
    r"(?:on-?call|engineer|responder|commander|lead|shift|rotation|primary|secondary)\b"
    # a name only a person has, owning a piece of work at the start of a sentence: "Hyun-woo's
    # script" (a capital there is no evidence, so the word must look like no English word)
    r"|^\W*(?P<shaped>" + _CAPITALISED + r")['’]s\s+(?:[\w-]+\s+)?(?:script|change|fix|commit|"
    r"review|pr|code|query|config|patch|migration|deploy|branch|laptop|account|runbook)\b"
    r"|\b(?:thanks|thank you|kudos|shout-?out|props|credit|grateful|gratitude)\s+"
    r"(?:to\s+|for\s+)?(?P<thanked>" + _CAPITALISED + r")"
    r"|(?:^|[:|]\s*|[-*]\s+)(?P<owner>" + _CAPITALISED + r")\s+to\s+(?:add|fix|write|update|"
    r"review|investigate|own|draft|set up|create|document|follow up|schedule|check|run|lead|"
    r"test|automate|remove|migrate)\b"
    r"|(?<![.!?:]\s)(?<!^)\b(?P<possessor>" + _CAPITALISED + r")['’]s\s+(?:analysis|change|fix|"
    r"commit|review|work|pr|pull request|code|script|query|config|laptop|account|message|note|"
    r"dashboard|investigation|patch|report|draft|notes|finding|findings|timeline|summary)\b"
    r"|\b(?:renewed|approved|reviewed|written|authored|merged|deployed|signed off|acknowledged|"
    r"reported|escalated|handled|owned|assigned|raised|filed|opened|noticed|spotted)\s+(?:to\s+)?"
    r"by\s+(?P<agent>" + _CAPITALISED + r")\b"
    r"|\b(?:summary|update|note|message|report|email|post|comment|words)s?\s+from\s+"
    r"(?P<sender>" + _CAPITALISED + r")\b"
    r"|(?P<titled>" + _CAPITALISED + r")\s*\((?:IC|SRE|on-?call|incident commander|lead|"
    r"commander|tech lead|eng|engineering|manager|EM|PM|DBA)\)"
    r"|(?P<member>"
    + _CAPITALISED
    + r")\s+(?:from|on|in)\s+(?:the\s+)?[\w-]+(?:\s+[\w-]+)?\s+team\b"
    r"|(?P<apposed>" + _CAPITALISED + r"),\s+(?:the|our|a|an)\s+(?:[\w-]+\s+){0,2}?"
    r"(?:engineer|developer|reviewer|author|operator|on-?call|sre|lead|manager|dba|analyst|"
    r"responder|commander|owner|intern|architect)",
    re.I,
)
# Capitalised words that start sentences or name groups and things, never a person.
_NOT_NAMES = _words(
    """The This That These Those It We They He She I Our Their His Her A An When After Before
    Then Once If While Because Nobody Someone Everyone Anyone Somebody Support Security
    Operations Engineering Monitoring Alerting Customers Users Leadership Management Product
    Finance Legal Sales Marketing Ops Platform Networking Infra Infrastructure Everybody Each
    Every Some Most Many Several No None All Both Neither Either Nothing Also Later Finally
    Meanwhile Next First Second Third At On In By For From With Without During Around Here There
    Page Pages Alert Alerts Deploy Deploys Rollback Incident Incidents Pager Status Traffic Error
    Errors Latency Backup Backups Build Builds Release Releases Config Primary Secondary Canary
    Customer Nothing Ticket Tickets Notice Everything Manual Automation Paging Escalation
    What Who Why How Which Whoever Team Teams Staff Finally Today Yesterday Tomorrow Mr Ms Mrs
    Dr Thanks Kudos Credit Props Review Reviews Service Services Bot Bots App Apps Cloud Labs
    Systems Inc Ltd Corp Group Studio Health Bank University Foundation Project Monitor Pipeline
    Engine Hub Portal Platform Store Pay Mail Chat Docs Drive Search Maps News Blog"""
)
# Organisations and products a report names as the subject of "said", "posted", "confirmed".
ORGANISATIONS = frozenset(
    [
        "Anthropic",
        "OpenAI",
        "Google",
        "Microsoft",
        "Amazon",
        "Meta",
        "Apple",
        "GitHub",
        "GitLab",
        "Cloudflare",
        "Datadog",
        "PagerDuty",
        "Slack",
        "Vertex",
        "Bedrock",
        "Azure",
        "Nvidia",
        "Intel",
        "Oracle",
        "IBM",
        "Stripe",
        "Twilio",
        "Okta",
        "Atlassian",
        "Jira",
        "Grafana",
        "Sentry",
        "Kubernetes",
        "Docker",
        "Terraform",
        "Postgres",
        "PostgreSQL",
        "Redis",
        "Kafka",
        "Elastic",
        "Vercel",
        "Netlify",
        "Heroku",
        "Fastly",
        "Akamai",
        "Mozilla",
        "Linux",
        "Ubuntu",
        "Debian",
        "Python",
        "Node",
        "Rust",
        "Java",
        "Dependabot",
        "Renovate",
        "Copilot",
        "Cursor",
        "Zendesk",
        "Jenkins",
        "Travis",
        "CircleCI",
        "Prometheus",
        "Splunk",
        "Honeycomb",
        "Opsgenie",
        "Statuspage",
        "Salesforce",
        "Shopify",
        "Twitter",
        "Reddit",
        "Discord",
        # infrastructure tools that run operators' verbs themselves ("Argo rolled back the deploy")
        "Argo",
        "Spinnaker",
        "Flux",
        "Helm",
        "Ansible",
        "Puppet",
        "Chef",
        "Salt",
        "Nomad",
        "Consul",
        "Vault",
        "Envoy",
        "Istio",
        "Linkerd",
        "Nginx",
        "Karpenter",
        "Patroni",
        "Airflow",
        "Celery",
        "Sidekiq",
        "Elasticsearch",
        "Kibana",
        "Logstash",
        "Pulumi",
        "Buildkite",
        "Bamboo",
        "Watchtower",
        "Rundeck",
        "Velero",
        "Keda",
        "Graphite",
        "Sentinel",
        "Lambda",
        "Nagios",
        "Zabbix",
        "Trino",
        "Presto",
        "Spark",
        "Hadoop",
        "Flink",
        "Cloudfront",
        "CloudFront",
        "Zookeeper",
        "Etcd",
        "Thanos",
        "Loki",
        "Mimir",
        "Tempo",
        "Jaeger",
        "Zipkin",
        "Kong",
        "Traefik",
        "Haproxy",
        "HAProxy",
        "Varnish",
        "Memcached",
        "Mongo",
        "MongoDB",
        "Mysql",
        "MySQL",
        "Vitess",
        "Cockroach",
        "CockroachDB",
        "Dynamo",
        "DynamoDB",
        "Aurora",
        "Spanner",
        "Bigtable",
        "BigQuery",
        "Snowflake",
        "Databricks",
        "Temporal",
        "Atlantis",
        "Flagger",
        "Backstage",
        "Rollbar",
        "Bugsnag",
        "Harbor",
        "Artifactory",
        "Nexus",
        "Sonar",
        "SonarQube",
        "Snyk",
        "Trivy",
        "Falco",
        "Calico",
        "Cilium",
        "Ceph",
        "Minio",
        "MinIO",
        "Longhorn",
        "Rook",
        "Rancher",
        "Openshift",
        "OpenShift",
        "Tekton",
        "Drone",
        "Concourse",
        "Gitea",
        "Keycloak",
        "Auth0",
        "Cloudwatch",
        "CloudWatch",
        "Stackdriver",
        "Pagerduty",
        "Incident",
        "Firehose",
        "Kinesis",
        "Pubsub",
        "Rabbit",
        "RabbitMQ",
        "Pulsar",
        "Nats",
        "NATS",
        "Resque",
        "Hangfire",
        "Quartz",
        "Cronitor",
        "Healthchecks",
        "Pingdom",
        "Uptime",
        "Packer",
        "Vagrant",
        "Crossplane",
        "Kustomize",
        "Skaffold",
        "Tilt",
        "Garden",
        "Bazel",
        "Gradle",
        "Maven",
    ]
)


# Endings of English nouns and adverbs after a stem of three letters or more (the -er of
# "Scheduler", the -s of "Responders", the -ly of "Eventually"), which given names of most
# cultures do not have ("Ling" and "Igor" keep theirs: their stems are too short).
_NOUN_ENDING = re.compile(
    r"(?<=[a-zß-ÿ]{3})(?:ing|tion|sion|ment|ness|ity|er|or|ers|ors|ists|ance|ence|ism|ure|ics|age|"
    r"ive|ship|ful|less|ies|ble|ary|ly|ts|ds|gs|ks|ps|nes|des|tes|ses|ces|ons|ups)$"
)


def _looks_like_a_noun(word: str) -> bool:
    return bool(_NOUN_ENDING.search(word.lower())) or word.lower() in _COMMON_SUBJECTS


# Capitalised words that open a sentence as the subject of an operator's verb and are no name.
_COMMON_SUBJECTS = _words(
    """automation tooling chaos cron puppet chef salt argo flux helm spinnaker ansible nomad consul
    vault envoy istio linkerd nginx karpenter patroni airflow celery sidekiq elasticsearch kibana
    pulumi buildkite bamboo watchtower autoscaling failover replication everyone someone nobody
    ops infra oncall engineering support security nginx haproxy traefik kong zookeeper etcd"""
)


def _name_shaped(word: str) -> bool:
    """A spelling English words rarely have: a letter with a diacritic ("Tomás", "Björn") or a
    hyphen between two parts that are no English words ("Hyun-woo", "Mei-Ling")."""
    if not word.isascii():
        return True
    first, _, second = word.lower().partition("-")
    parts = (first, second)
    return bool(second) and not any(
        _looks_like_a_noun(part) or part in _COMPOUND_PARTS for part in parts
    )


# Parts of English compounds with a hyphen ("Follow-up", "Roll-back", "Self-merge").
_COMPOUND_PARTS = _words(
    """up in on off out back over down by only run pre post self non re co sub dry opt add set
    sign check roll hand follow read write built fall hot cold multi cross hard soft one two
    three first last high low long short fail safe fast slow make break look cut clean log"""
)


def _unlisted_findings(number: int, line: str) -> Iterator[Finding]:
    names = given_names()
    for match in _UNLISTED.finditer(line):
        group = next(
            g
            for g in (
                "name",
                "thanked",
                "owner",
                "possessor",
                "agent",
                "sender",
                "titled",
                "member",
                "apposed",
                "operator",
                "source",
                "handover",
                "handee",
                "shaped",
            )
            if match.group(g)
        )
        word, start = match.group(group), match.start(group)
        if word in _NOT_NAMES or word in PRODUCTS or word in ORGANISATIONS or word.isupper():
            continue
        if group == "operator" and _looks_like_a_noun(word) and not _name_shaped(word):
            continue  # "Automation restarted the pods", "Responders drained the zone"
        if group == "shaped" and not _name_shaped(word):
            continue
        surname = (match.group("surname") or match.group("operator_surname") or "").strip()
        if surname in _NOT_NAMES or surname in ORGANISATIONS:
            continue  # "Tidewell Review posted": a product, not a first and last name
        if (
            word in names
            and group in ("name", "operator")
            and not (
                match.group("surname") or match.group("dept") or match.group("operator_surname")
            )
        ):
            continue  # a listed name before a verb is judged by its kind (_acts_as_name)
        # A place preposition before the name is no evidence in the forms that say it is a
        # person ("summary from Lucía (IC)"); a thing after it still is ("Jarvis, our bot").
        places_count = group in ("name", "possessor", "agent", "operator")
        if _is_thing(line, start, start + len(word), places=places_count):
            continue
        yield Finding(number, start + 1, word, "personal_name", NAME_SUGGESTION)


def name_findings(number: int, line: str) -> Iterator[Finding]:
    yield from _unlisted_findings(number, line)
    names = given_names()
    heading = line.lstrip().startswith("#")
    for match in _WORD.finditer(line):
        word = match.group(1)
        kind = names.get(word)
        if kind is None or word in PRODUCTS or word in _NOT_NAMES:
            continue
        if not _acts_as_name(line, match, kind, heading):
            continue
        yield Finding(number, match.start(1) + 1, word, "personal_name", NAME_SUGGESTION)
    for match in _HANDLE.finditer(line):
        if not is_role_handle(match.group(1)):
            yield Finding(
                number, match.start() + 1, match.group(0), "personal_name", HANDLE_SUGGESTION
            )
