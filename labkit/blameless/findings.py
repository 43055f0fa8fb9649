"""What the blameless-language check reports: one finding per flagged phrase."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

Kind = Literal["blame", "personal_name"]


@dataclass(frozen=True, order=True)
class Finding:
    """One flagged phrase: where it is (1-based line and column), what it is, and a better way."""

    line: int
    column: int
    phrase: str
    kind: Kind
    suggestion: str

    def __str__(self) -> str:
        label = "blaming phrase" if self.kind == "blame" else "personal name"
        return (
            f"line {self.line}, column {self.column}: {label} {self.phrase!r} -> {self.suggestion}"
        )


def format_findings(findings: list[Finding]) -> str:
    if not findings:
        return "no blaming phrases or personal names found"
    return "\n".join(str(f) for f in findings)
