"""codeward's analysis engine: text in, findings and fixes out.

It never imports an LSP package, never imports or executes the analysed code and never
touches the network. Adapters (``codeward.server``) turn its results into editor
diagnostics, CLI text, JSON and SARIF.
"""

from __future__ import annotations

__version__ = "0.1.0"

from .config import Config, ConfigError
from .engine import Analysis, analyze
from .model import (
    Applicability,
    Confidence,
    Edit,
    FileEdit,
    Finding,
    Fix,
    FlowStep,
    NotAnalysed,
    Position,
    Range,
    RuleFailure,
    Severity,
)
from .source import SourceDoc

__all__ = [
    "Analysis", "Applicability", "Config", "ConfigError", "Confidence", "Edit", "FileEdit",
    "Finding", "Fix", "FlowStep", "NotAnalysed", "Position", "Range", "RuleFailure",
    "Severity", "SourceDoc", "__version__", "analyze",
]
