"""Is a literal a plausible credential? Format matches, placeholders, entropy, masking.

Every regex here is linear: literal anchors and bounded repeats only, so a pathological
line (a minified 2 MB JSON file) costs time proportional to its length.
"""

from __future__ import annotations

import math
import re
from collections import Counter
from dataclasses import dataclass

from .catalog import Catalog, Format

#: Longest literal considered at all (PEM keys are ~3.3 KB; longer is data, not a secret).
MAX_VALUE = 16_384
#: Shortest value a context rule accepts, by kind ("password" allows short human ones).
MIN_LENGTH = {"password": 6}
DEFAULT_MIN_LENGTH = 8

_PEM = re.compile(r"-----BEGIN (?:[A-Z0-9]{1,12} ){0,3}PRIVATE KEY(?: BLOCK)?-----")
_PEM_BODY = re.compile(r"[A-Za-z0-9+/=]{40,120}")
#: scheme://user:password@host; the user part may be empty (redis://:pw@host).
_URL_PASSWORD = re.compile(
    r"\b(?P<scheme>[a-zA-Z][a-zA-Z0-9+.\-]{1,30})://(?P<user>[^\s:/@\"'`<>{}]{0,100}):(?P<password>[^\s/@\"'`]{1,200})@(?=[\w\[{$%])"
)
#: libpq / ODBC key-value connection strings: ``host=db user=app password=...``, ``PWD=...;``.
_DSN_PASSWORD = re.compile(r"(?:^|[\s;])(?:password|passwd|pwd)[ \t]{0,3}=[ \t]{0,3}(?P<password>[^\s;'\"]{1,200})", re.IGNORECASE)
_DSN_HINT = re.compile(r"(?:^|[\s;])(?:host|server|dbname|database|user|uid|user id|port|data source)[ \t]{0,3}=", re.IGNORECASE)
#: Regular expressions assigned to secret-named variables by scanners and parsers.
_REGEX_LIKE = re.compile(r"\(\?|\\[wdsbWDSB]|\[\^|\[[A-Za-z0-9]-[A-Za-z0-9]|\]\{|\][+*?]")
_AUTH_SCHEME = re.compile(r"^(?:Bearer|Basic|Token|Bot|token)\s{1,5}(?=\S)")
#: Identifiers, env var names and sentinels, not credentials: ``user_password``,
#: ``_password_reset_token``, ``PAYMENTS_API_KEY``, ``NOTPROVIDED``.
_IDENTIFIER_WORDS = re.compile(r"^_{0,2}[a-z]{1,30}(?:[_.\-:/][a-z]{1,30}){1,12}_{0,2}$|^_{0,2}[A-Z]{1,30}(?:_[A-Z0-9]{1,30}){1,12}$|^[A-Z]{2,40}$")
#: Template syntax inside a value: ``${VAR}``, ``{name}``, ``{}``, ``%(name)s`` (a bare ``%s`` is
#: a placeholder only as the whole value: random keys contain it too).
_INTERPOLATION = re.compile(r"\$\{[^{}]{0,100}\}|\{[A-Za-z_][\w.]{0,60}\}|\{\}|%\([A-Za-z_]{1,40}\)[sd]")
_PATH_SUFFIXES = (".pem", ".key", ".json", ".txt", ".crt", ".cer", ".p12", ".pfx", ".env", ".yaml", ".yml", ".ini", ".cfg", ".toml", ".jks")


def entropy(text: str) -> float:
    """Shannon entropy in bits per character."""
    if not text:
        return 0.0
    counts = Counter(text)
    total = len(text)
    return -sum(c / total * math.log2(c / total) for c in counts.values())


def is_placeholder(value: str, catalog: Catalog) -> bool:
    """A placeholder, template variable or obvious dummy (``changeme``, ``<key>``, ``${X}``)."""
    stripped = value.strip().strip("\"'")
    if not stripped:
        return True
    for row, pattern in catalog.placeholders:
        if pattern.search(stripped):
            row.hit()
            return True
    return False


def _sequential(text: str) -> bool:
    """Long ascending runs (``abcdefgh``, ``12345678``) mark hand-typed dummies."""
    run = 1
    for a, b in zip(text, text[1:]):
        run = run + 1 if ord(b) - ord(a) == 1 else 1
        if run >= 8:
            return True
    return False


def random_enough(token: str, minimum: float = 3.0) -> bool:
    """The variable part of a known-format token looks generated, not typed."""
    return entropy(token) >= minimum and not _sequential(token)


def strip_auth_scheme(value: str) -> str:
    """``Bearer abc…`` → ``abc…`` (header values name the scheme first)."""
    return _AUTH_SCHEME.sub("", value, count=1)


def plausible(value: str, kind: str, name: str | None, catalog: Catalog, generated: bool = False) -> bool:
    """A value assigned to a credential-named variable looks like a real credential.

    ``generated``: the name is weak evidence, so the value must look machine-generated
    (long, high entropy, letters and digits).
    """
    candidate = strip_auth_scheme(value.strip())
    if not candidate or len(candidate) > 1024 or any(ch.isspace() for ch in candidate):
        return False
    if len(candidate) < MIN_LENGTH.get(kind, DEFAULT_MIN_LENGTH) or candidate.isdigit():
        return False
    if _IDENTIFIER_WORDS.match(candidate) or _INTERPOLATION.search(candidate) or _REGEX_LIKE.search(candidate):
        return False
    if candidate.startswith(("/", "./", "../", "~/", "http://", "https://", "file:", "arn:")) or candidate.lower().endswith(_PATH_SUFFIXES):
        return False
    if name and _squash(candidate) == _squash(name):
        return False
    if is_placeholder(candidate, catalog):
        return False
    if generated:
        return _looks_generated(candidate)
    if kind == "password":
        return len(set(candidate)) >= 4
    return entropy(candidate) >= 2.5 and not _sequential(candidate)


def _looks_generated(text: str) -> bool:
    """Machine-made: long, high entropy, digits and letters, and either mixed case, hex, or
    very long (``mapbox-streets-v11`` is words; ``AiiXMmaOr2sTvGaL...`` is not)."""
    if len(text) < 16 or entropy(text) < 3.5 or _sequential(text):
        return False
    if not (any(ch.isdigit() for ch in text) and any(ch.isalpha() for ch in text)):
        return False
    mixed_case = any(ch.islower() for ch in text) and any(ch.isupper() for ch in text)
    return mixed_case or all(ch in "0123456789abcdefABCDEF" for ch in text) or len(text) >= 32


def _squash(text: str) -> str:
    return re.sub(r"[^a-z0-9]", "", text.lower())


@dataclass(frozen=True)
class FormatMatch:
    format: Format
    start: int
    end: int

    def shown(self, text: str) -> str:
        """The format's public prefix as it appears in ``text`` (``gh?_`` → ``ghp_``)."""
        width = len(self.format.prefix)
        return text[self.start : self.start + width] if width else ""


def match_formats(text: str, normalised_name: str | None, catalog: Catalog) -> list[FormatMatch]:
    """Known-format credentials in ``text`` (a literal or one line of a config file)."""
    found: list[FormatMatch] = []
    for fmt in catalog.formats:
        if fmt.name is not None:
            # Context-bound formats (a bare 40-char string is only an AWS secret by name).
            if normalised_name and fmt.name.search(normalised_name):
                whole = text.strip().strip("\"'")
                if fmt.regex.match(whole) and random_enough(whole, 3.5) and not is_placeholder(whole, catalog):
                    start = text.find(whole)
                    found.append(FormatMatch(fmt, start, start + len(whole)))
            continue
        if fmt.keyword and fmt.keyword not in text:
            continue
        for match in fmt.regex.finditer(text):
            token = match.group(0)
            variable = token[len(fmt.prefix) :] if fmt.prefix else token
            if random_enough(variable) and not is_placeholder(token, catalog):
                found.append(FormatMatch(fmt, match.start(), match.end()))
    return _non_overlapping(found)


def _non_overlapping(matches: list[FormatMatch]) -> list[FormatMatch]:
    """Longest match first where two rows match the same text (sk-ant- vs sk-)."""
    kept: list[FormatMatch] = []
    for m in sorted(matches, key=lambda m: (m.start, -(m.end - m.start))):
        if not kept or m.start >= kept[-1].end:
            kept.append(m)
    return kept


@dataclass(frozen=True)
class UrlPassword:
    start: int  # of the password
    end: int
    scheme: str


def url_passwords(text: str, catalog: Catalog) -> list[UrlPassword]:
    """Passwords embedded in URLs/connection strings (``postgresql://u:pw@host``)."""
    if "://" not in text or "@" not in text:
        return []
    found = []
    for match in _URL_PASSWORD.finditer(text):
        password = match.group("password")
        if _INTERPOLATION.search(password) or is_placeholder(password, catalog):
            continue
        if password == match.group("user") or len(password) < 3:
            continue
        found.append(UrlPassword(match.start("password"), match.end("password"), match.group("scheme").lower()))
    return found


def url_password_spans(text: str) -> list[tuple[int, int]]:
    """(start, end) of every ``scheme://user:password@`` password, placeholders included."""
    if "://" not in text or "@" not in text:
        return []
    return [match.span("password") for match in _URL_PASSWORD.finditer(text)]


def dsn_passwords(text: str, catalog: Catalog) -> list[UrlPassword]:
    """Passwords in key-value connection strings (``host=pg user=app password=...``)."""
    if "=" not in text or not _DSN_HINT.search(text):
        return []
    found = []
    for match in _DSN_PASSWORD.finditer(text):
        password = match.group("password")
        if len(password) < 3 or _INTERPOLATION.search(password) or is_placeholder(password, catalog):
            continue
        found.append(UrlPassword(match.start("password"), match.end("password"), "connection string"))
    return found


def private_key_header(text: str) -> re.Match[str] | None:
    """A PEM private key header (``-----BEGIN RSA PRIVATE KEY-----``)."""
    if "PRIVATE KEY" not in text:
        return None
    return _PEM.search(text)


def has_key_material(text: str) -> bool:
    """Base64 body lines follow the header (a bare header in docs is not a key)."""
    body = _PEM_BODY.search(text)
    return body is not None and random_enough(body.group(0), 4.0)
