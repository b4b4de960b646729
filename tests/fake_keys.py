"""Deterministic fake credentials in real providers' formats, for fixtures and leak tests.

Seeded, so fixtures are reproducible; random, so no value is anyone's real key or a
well-known documentation example (scanners special-case those).
"""

from __future__ import annotations

import random
import string

SEED = 6_2026
ALNUM = string.ascii_letters + string.digits
UPPER = string.ascii_uppercase + string.digits
HEX = "0123456789abcdef"
URLSAFE = ALNUM + "-_"


def _pick(rng: random.Random, alphabet: str, length: int) -> str:
    return "".join(rng.choice(alphabet) for _ in range(length))


_SHAPES = {
    "aws_access_key_id": lambda r: "AKIA" + _pick(r, UPPER, 16),
    "aws_secret_access_key": lambda r: _pick(r, ALNUM + "+/", 40),
    "github": lambda r: "ghp_" + _pick(r, ALNUM, 36),
    "github_fine": lambda r: "github_pat_" + _pick(r, ALNUM, 22) + "_" + _pick(r, ALNUM, 59),
    "gitlab": lambda r: "glpat-" + _pick(r, URLSAFE, 20),
    "slack_bot": lambda r: "xoxb-" + _pick(r, string.digits, 12) + "-" + _pick(r, string.digits, 13) + "-" + _pick(r, ALNUM, 24),
    "slack_webhook": lambda r: "https://hooks.slack.com/services/T" + _pick(r, UPPER, 10) + "/B" + _pick(r, UPPER, 10) + "/" + _pick(r, ALNUM, 24),
    "stripe": lambda r: "sk_live_" + _pick(r, ALNUM, 24),
    "stripe_webhook": lambda r: "whsec_" + _pick(r, ALNUM, 32),
    "anthropic": lambda r: "sk-ant-api03-" + _pick(r, URLSAFE, 93) + "AA",
    "openai": lambda r: "sk-proj-" + _pick(r, URLSAFE, 48),
    "huggingface": lambda r: "hf_" + _pick(r, string.ascii_letters, 34),
    "google": lambda r: "AIza" + _pick(r, URLSAFE, 35),
    "twilio_key": lambda r: "SK" + _pick(r, HEX, 32),
    "twilio_token": lambda r: _pick(r, HEX, 32),
    "sendgrid": lambda r: "SG." + _pick(r, URLSAFE, 22) + "." + _pick(r, URLSAFE, 43),
    "mailgun": lambda r: "key-" + _pick(r, ALNUM, 32),
    "jwt": lambda r: "eyJhbGciOiJIUzI1NiJ9.eyJ" + _pick(r, URLSAFE, 40) + "." + _pick(r, URLSAFE, 43),
    "password": lambda r: _pick(r, string.ascii_uppercase, 1) + _pick(r, string.ascii_lowercase, 6) + _pick(r, string.digits, 3) + r.choice("!#%&*?"),
    "signing": lambda r: _pick(r, ALNUM + "!@#$%^&*(-_=+)", 50),
    "hex": lambda r: _pick(r, HEX, 48),
    "pem_body": lambda r: "\n".join(_pick(r, ALNUM + "+/", 64) for _ in range(6)),
}


def fake(kind: str, n: int = 0) -> str:
    """The ``n``-th fake value of ``kind`` (same inputs, same value)."""
    return _SHAPES[kind](random.Random(f"{SEED}:{kind}:{n}"))


def pem(n: int = 0) -> str:
    return f"-----BEGIN RSA PRIVATE KEY-----\n{fake('pem_body', n)}\n-----END RSA PRIVATE KEY-----"


KINDS = tuple(_SHAPES)
