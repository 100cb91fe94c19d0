"""The pipeline's input and output records (the web app and the CLI integrate against exactly these)."""

from __future__ import annotations

import datetime as dt
from dataclasses import asdict, dataclass, field
from typing import Any


@dataclass(frozen=True)
class Document:
    id: str
    text: str  # original text
    submitter: str | None = None  # stable key of the person; None = unknown (counted as distinct)
    union: str | None = None  # union code
    submitted_on: dt.date | None = None
    normalized: str | None = None  # already passed through core.text.normalize; else the pipeline does it


@dataclass
class Strength:
    submissions: int
    distinct_submitters: int
    distinct_unions: int
    recent: int  # submissions in the last `period_days` up to as_of
    previous: int  # submissions in the period before that
    growth: float | None  # (recent - previous) / previous; None when previous == 0
    urgent: int  # members flagged urgent (safety hazards, injuries, unpaid wages …)
    urgency_reasons: list[str]  # e.g. ["安全隐患", "欠薪"], most frequent first
    score: float  # see strength.score(): issues are sorted by it, strongest first


@dataclass
class IssueCluster:
    label: str
    keywords: list[str]
    size: int
    representatives: list[str]  # up to 5 ids, most representative first, no two near-duplicates
    members: list[str]  # all ids
    strength: Strength


@dataclass
class ClusterResult:
    issues: list[IssueCluster] = field(default_factory=list)  # strongest first
    noise: list[str] = field(default_factory=list)
    duplicates: list[tuple[str, str]] = field(default_factory=list)  # (group's first text, later copy)

    def to_json(self) -> dict[str, Any]:
        return {
            "issues": [
                {
                    "label": issue.label,
                    "keywords": list(issue.keywords),
                    "size": issue.size,
                    "representatives": list(issue.representatives),
                    "members": list(issue.members),
                    "strength": asdict(issue.strength),
                }
                for issue in self.issues
            ],
            "noise": list(self.noise),
            "duplicates": [[a, b] for a, b in self.duplicates],
        }
