"""The route model: every route of a web app, its guards, and its access-control verdicts.

Used by the CW3xx rules (checks/rules/access.py), ``codeward routes`` and the language
server's CodeLens (:func:`summaries_for`).
"""

from __future__ import annotations

from .summary import RouteSummary, summaries_for, summarise

__all__ = ["RouteSummary", "summaries_for", "summarise"]
