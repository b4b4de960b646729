"""Hardcoded secret detection shared by the CW2xx rules (checks/rules/secrets.py).

One pass per document finds every secret-like literal and classifies it once:

* :mod:`detect`: the entry point, memoised per document (test folders skipped by config);
* :mod:`classify`: what one literal is (code, kind, public prefix, env var name);
* :mod:`catalog`: the data rows of ``checks/data/secrets.toml``, compiled;
* :mod:`values`: is a value a plausible credential or a placeholder, and how to mask it;
* :mod:`naming`: does a variable/key name say it holds a credential, and which env var name
  a fix should use;
* :mod:`python_source` / :mod:`text_source`: where the literals are, in Python code and in
  config files (TOML, YAML, JSON, INI, .env, Dockerfile);
* :mod:`git`: read-only, time-bounded git questions (is ``.env`` ignored, is a literal
  already committed);
* :mod:`envfix`: the "move to an environment variable" fix.

The value of a secret never leaves this package except as the ``.env`` file edit of a fix
(the user's own, git-ignored file): messages show the kind and a short public prefix, and
fingerprints carry no value-derived text.
"""

from __future__ import annotations

from .detect import find_secrets
from .model import Secret

__all__ = ["Secret", "find_secrets"]
