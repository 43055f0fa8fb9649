"""Words the fictional users and engineers write: feedback texts and harmless change-log entries.

Written for this course; no text comes from real users. Some phrases are specific, many are
vague on purpose ("feels dumber today" is said on good days too), and the same vague phrases
appear in every category so that text alone never identifies a bug.
"""

from __future__ import annotations

VAGUE = (
    "feels dumber today",
    "worse than last week",
    "not as good as it used to be",
    "meh",
    "quality dropped?",
    "this used to work",
)

SEP2025_FEEDBACK: dict[str, tuple[str, ...]] = {
    "normal": (
        *VAGUE,
        "wrong answer",
        "not helpful",
        "too long",
        "made up a function that does not exist",
        "did not follow the format I asked for",
        "outdated library version",
        "refused a harmless request",
        "missed the point of the question",
    ),
    "misrouted": (
        *VAGUE,
        *VAGUE,
        "ignored half of my instructions",
        "lost track of what I asked two lines earlier",
        "answers got noticeably worse this week",
        "same prompt worked yesterday, not today",
        "keeps giving shallow answers",
        "repeated itself and never got to the code",
    ),
    "script": (
        "random Chinese characters in an English answer",
        "the reply switched to Thai halfway through",
        "weird characters (的) in the middle of my code",
        "garbled text with foreign script",
        "why is there Thai text in my SQL query?",
        "answer had symbols from another language",
        *VAGUE[:2],
    ),
    "corrupted": (
        "code had a syntax error it never makes",
        "unbalanced brackets in generated code",
        "a typo in a variable name broke the build",
        "odd token in the middle of a sentence",
        *VAGUE,
    ),
    "topk": (
        "strange word choices",
        "small mistakes it did not use to make",
        "answer was almost right but one step was wrong",
        *VAGUE,
    ),
}

APR2026_FEEDBACK: dict[str, tuple[str, ...]] = {
    "normal": SEP2025_FEEDBACK["normal"],
    "low_effort": (
        *VAGUE,
        "seems lazier than before",
        "stopped thinking things through",
        "gives up earlier on hard bugs",
        "faster but worse",
        "takes shortcuts, skipped the tests",
    ),
    "thinking_dropped": (
        *VAGUE,
        "forgets what we did an hour ago",
        "keeps re-reading the same files",
        "ran the same command three times",
        "usage limit drained in one afternoon",
        "after lunch it lost the plan completely",
        "odd tool choices after I came back to the session",
    ),
    "brevity": (
        *VAGUE,
        "answers are way too terse now",
        "final summary is one line, missing details",
        "stopped explaining what it changed",
    ),
}

# (component, description, author_role) of routine changes that have nothing to do with the
# incident: the change log's background noise.
SEP2025_ROUTINE = (
    ("api-gateway", "upgrade HTTP/2 library", "platform-engineer"),
    ("billing", "add invoice export for organisations", "product-engineer"),
    ("autoscaler", "raise max replicas for the gpu pool", "sre"),
    ("tokenizer-service", "warm caches on start-up", "inference-engineer"),
    ("console", "usage dashboard redesign", "product-engineer"),
    ("logging", "sample 1% of request metadata for latency analysis", "sre"),
    ("bedrock-adapter", "retry on throttling responses", "platform-engineer"),
    ("vertex-adapter", "update quota headers", "platform-engineer"),
    ("rate-limiter", "per-organisation burst limits", "platform-engineer"),
    ("safety-classifier", "retune thresholds on the new calibration set", "safety-engineer"),
    ("kv-cache", "larger cache blocks on the gpu pool", "inference-engineer"),
    ("trainium-runtime", "driver update", "inference-engineer"),
    ("docs-site", "new examples for tool use", "product-engineer"),
    ("metrics", "new latency histogram buckets", "sre"),
    ("api-gateway", "tighten request size validation", "platform-engineer"),
    ("batch-api", "faster result downloads", "product-engineer"),
    ("tpu-runtime", "update monitoring agent", "sre"),
    ("gpu-runtime", "kernel library patch release", "inference-engineer"),
)

APR2026_ROUTINE = (
    ("cli", "status line shows the session's token usage", "product-engineer"),
    ("cli", "faster file search in large repositories", "product-engineer"),
    ("ide-extension", "diff view remembers scroll position", "product-engineer"),
    ("mcp-connectors", "update connector SDK", "platform-engineer"),
    ("telemetry", "sample session timings for latency analysis", "sre"),
    ("auth", "refresh tokens earlier", "platform-engineer"),
    ("auto-compaction", "compact at 92% of the context window instead of 95%", "product-engineer"),
    ("permissions", "clearer prompts before running shell commands", "product-engineer"),
    ("billing", "usage page shows weekly limits", "product-engineer"),
    ("api-gateway", "upgrade HTTP/2 library", "platform-engineer"),
    ("sandbox", "network allow-list editor", "product-engineer"),
    ("docs-site", "new guide for subagents", "product-engineer"),
    ("autoscaler", "raise max replicas for the gpu pool", "sre"),
)
