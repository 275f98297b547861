"""Enforcement policy as a versioned document, and the decision it makes.

A policy is data (TOML), identified by ``id`` and ``version``; every decision
records both, so a month's statistics can always say which rules produced them and
a what-if replay can run last year's bookings under another policy.
"""

from __future__ import annotations

import hashlib
import tomllib
from dataclasses import dataclass
from enum import StrEnum
from functools import cache
from importlib import resources
from typing import Any

from scomm.errors import PolicyError
from scomm.policy.levels import LEVEL_RULES, Level
from scomm.policy.status import Determination

DETAINER_FORMS = ("I-247", "I-247D", "I-247N", "I-247X", "I-247A")


class Recipient(StrEnum):
    FIELD_OFFICE = "field_office"
    ORIGINATING_AGENCY = "originating_agency"


@dataclass(frozen=True)
class Policy:
    id: str
    version: int
    title: str
    level_rules: str
    act_on_levels: frozenset[Level]
    require_removable: bool
    detainer_form: str
    notify_field_office: bool
    notify_originating_agency: bool
    source: str = ""

    @property
    def ref(self) -> str:
        return f"{self.id}@{self.version}"

    @property
    def digest(self) -> str:
        return hashlib.sha256(self.source.encode("utf-8")).hexdigest()


@dataclass(frozen=True)
class Notification:
    recipient: Recipient
    message: str
    """``IAR`` (the response) or ``DETAINER`` (the request to hold)."""


@dataclass(frozen=True)
class Decision:
    detainer: bool
    detainer_form: str | None
    reason: str
    notifications: tuple[Notification, ...]
    policy_id: str
    policy_version: int


def _require(doc: dict[str, Any], key: str, kind: type, where: str = "") -> Any:
    name = f"{where}{key}"
    if key not in doc:
        raise PolicyError(name, "is required")
    value = doc[key]
    if kind is int and isinstance(value, bool) or not isinstance(value, kind):
        raise PolicyError(name, f"must be {kind.__name__}, got {type(value).__name__}")
    return value


def parse_policy(text: str) -> Policy:
    """Parse and validate a policy document; errors name the offending key."""
    try:
        doc = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise PolicyError("policy", f"is not valid TOML: {exc}") from exc
    pid = _require(doc, "id", str)
    if not pid or not all(ch.isalnum() or ch in "-_." for ch in pid):
        raise PolicyError("id", f"must be letters, digits, '-', '_' or '.', got {pid!r}")
    version = _require(doc, "version", int)
    if version < 1:
        raise PolicyError("version", "must be 1 or more")
    rules = doc.get("level_rules", "morton-2010")
    if rules not in LEVEL_RULES:
        raise PolicyError("level_rules", f"unknown rule set {rules!r}; known: {', '.join(LEVEL_RULES)}")
    det = _require(doc, "detainer", dict)
    levels_raw = _require(det, "act_on_levels", list, "detainer.")
    levels: set[Level] = set()
    for i, name in enumerate(levels_raw):
        try:
            levels.add(Level(name))
        except ValueError:
            raise PolicyError(f"detainer.act_on_levels[{i}]",
                              f"unknown level {name!r}; use {', '.join(lv.value for lv in Level)}") from None
    form = det.get("form", "I-247")
    if form not in DETAINER_FORMS:
        raise PolicyError("detainer.form", f"unknown form {form!r}; use one of {', '.join(DETAINER_FORMS)}")
    require_removable = det.get("require_removable", True)
    if not isinstance(require_removable, bool):
        raise PolicyError("detainer.require_removable", "must be true or false")
    notify = doc.get("notify", {})
    if not isinstance(notify, dict):
        raise PolicyError("notify", "must be a table")
    for key in ("field_office", "originating_agency"):
        if not isinstance(notify.get(key, True), bool):
            raise PolicyError(f"notify.{key}", "must be true or false")
    return Policy(
        id=pid, version=version, title=str(doc.get("title", pid)), level_rules=rules,
        act_on_levels=frozenset(levels), require_removable=require_removable, detainer_form=form,
        notify_field_office=notify.get("field_office", True),
        notify_originating_agency=notify.get("originating_agency", True), source=text,
    )


def decide(policy: Policy, determination: Determination, level: Level) -> Decision:
    """What the policy does with one Immigration Alien Response. Pure."""
    acts = level in policy.act_on_levels and (determination.removable or not policy.require_removable)
    if not determination.removable and policy.require_removable:
        reason = f"not removable: {determination.reason}"
    elif level not in policy.act_on_levels:
        reason = f"{level.label} is not acted on under {policy.ref}"
    else:
        reason = f"{level.label}, {determination.reason}: detainer under {policy.ref}"
    notes: list[Notification] = []
    if policy.notify_field_office:
        notes.append(Notification(Recipient.FIELD_OFFICE, "IAR"))
    if policy.notify_originating_agency:
        notes.append(Notification(Recipient.ORIGINATING_AGENCY, "IAR"))
    if acts:
        notes.append(Notification(Recipient.ORIGINATING_AGENCY, "DETAINER"))
    return Decision(acts, policy.detainer_form if acts else None, reason, tuple(notes), policy.id, policy.version)


SHIPPED_POLICIES = ("historical-2008", "restrictive-level1")


@cache
def shipped_policy(policy_id: str) -> Policy:
    if policy_id not in SHIPPED_POLICIES:
        raise PolicyError("policy", f"no shipped policy {policy_id!r}; shipped: {', '.join(SHIPPED_POLICIES)}")
    text = resources.files("scomm.policy").joinpath(f"data/policies/{policy_id}.toml").read_text(encoding="utf-8")
    return parse_policy(text)
