"""Deterministic, realistic-looking fake credentials for the benchmark corpus.

Every value has the shape of a real provider's key (so a secret scanner has to
recognise it) but is drawn from a seeded PRNG, so it is not anyone's real key
and the corpus is reproducible. ``fake_secret(kind, n)`` always returns the same
string for the same ``(kind, n)``.
"""

from __future__ import annotations

import random
import string

SEED = 20261124
UPPER_B32 = string.ascii_uppercase + "234567"
ALNUM = string.ascii_letters + string.digits
B64 = ALNUM + "+/"
HEX = "0123456789abcdef"


def _pick(rng: random.Random, alphabet: str, length: int) -> str:
    return "".join(rng.choice(alphabet) for _ in range(length))


def _shapes(rng: random.Random) -> dict[str, str]:
    """All supported kinds, generated from one seeded stream."""
    return {
        "aws_access_key": "AKIA" + _pick(rng, UPPER_B32, 16),
        "aws_secret_key": _pick(rng, B64, 40),
        "stripe_live": "sk_live_" + _pick(rng, ALNUM, 24),
        "stripe_publishable": "pk_live_" + _pick(rng, ALNUM, 24),
        "github_pat": "ghp_" + _pick(rng, ALNUM, 36),
        "slack_bot": "xoxb-" + _pick(rng, string.digits, 12) + "-"
        + _pick(rng, string.digits, 13) + "-" + _pick(rng, ALNUM, 24),
        "sendgrid": "SG." + _pick(rng, ALNUM + "-_", 22) + "." + _pick(rng, ALNUM + "-_", 43),
        "google_api": "AIza" + _pick(rng, ALNUM + "-_", 35),
        "openai": "sk-proj-" + _pick(rng, ALNUM, 48),
        "twilio_token": _pick(rng, HEX, 32),
        "django_key": "django-insecure-" + _pick(rng, string.ascii_lowercase + string.digits + "!@#$%^&*(-_=+)", 50),
        "flask_key": _pick(rng, HEX, 48),
        "jwt_secret": _pick(rng, ALNUM, 32),
        "password": _pick(rng, string.ascii_uppercase, 1) + _pick(rng, string.ascii_lowercase, 6)
        + _pick(rng, string.digits, 3) + rng.choice("!#$%&*?"),
        "hex_token": _pick(rng, HEX, 40),
        "mailgun": "key-" + _pick(rng, HEX, 32),
    }


def fake_secret(kind: str, n: int) -> str:
    """Return the ``n``-th fake credential of ``kind`` (deterministic)."""
    rng = random.Random(f"{SEED}:{kind}:{n}")  # codeward: ignore[CW508] -- reproducible fakes, by design
    shapes = _shapes(rng)
    if kind not in shapes:
        raise KeyError(f"unknown fake secret kind {kind!r}; known: {sorted(shapes)}")
    return shapes[kind]


def mask(value: str) -> str:
    """Mask a secret for display: keep a 4-character prefix only."""
    return value[:4] + "*" * max(0, min(len(value) - 4, 8))
