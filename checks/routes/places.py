"""Records about a place or a business: whose address, phone and e-mail are not personal.

A venue, a branch or a restaurant nobody owns holds the contact details the place shows the
public (``Location.address``, ``Branch.phone``). The access rules count those words as
personal data (issue 13 §5: catalogue-style reads of models with no owner or personal
fields are public), which is right for a ``Customer`` or a ``Patient`` without a user key
and wrong for a venue. The place is recognised by the last word of its model's name (data
rows ``access_place_records``), only when nobody owns the record and it names no person.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

from ..knowledge import Knowledge
from .stored import model_key
from .view import ProjectView

_WORDS = re.compile(r"[A-Z]+(?![a-z])|[A-Z]?[a-z0-9]+")


def place_records(view: ProjectView, knowledge: Knowledge) -> frozenset[str]:
    """Keys (:func:`.stored.model_key`) of the app's models that describe a place or a
    business and hold no personal field besides its contact details: no owner, author or
    tenant field, no key to a user, no field naming a person (``first_name``, ``dob``)."""
    rows = knowledge.rows("access_place_records")
    if not rows:
        return frozenset()
    cached = view.__dict__.get("_place_records")
    if cached is not None and cached[0] is knowledge:
        return cached[1]
    row = rows[0]
    owners = {n for r in knowledge.rows("access_owner_fields") for n in r["names"]}
    sensitive = {n for r in knowledge.rows("access_sensitive_terms") for n in r["names"]}
    allowed, persons = set(row["contact"]), set(row["person_fields"])
    found: set[str] = set()
    for name, facts in view.models.items():
        words = _WORDS.findall(name)
        fields = {f.lower() for f in facts.get("fields", ())}
        if not words or words[-1].lower() not in row["names"] or facts.get("user_fks") or fields & owners or fields & persons:
            continue
        if (fields & sensitive) <= allowed:
            found.add(model_key(name))
    view.__dict__["_place_records"] = (knowledge, frozenset(found))
    return frozenset(found)


def without_contact_details(words: Iterable[str], knowledge: Knowledge) -> list[str]:
    """``words`` (sensitive terms a route mentions) less the contact details a place record
    shows the public; the row is marked used when it drops one."""
    rows = knowledge.rows("access_place_records")
    if not rows:
        return list(words)
    kept = [w for w in words if w not in rows[0]["contact"]]
    if len(kept) < len(list(words)):
        rows[0].hit()
    return kept
