"""Deciding what one literal is: a known-format key, a private key, a URL password, a
credential by name, or nothing. Shared by the Python and the config-file scanners."""

from __future__ import annotations

from dataclasses import dataclass

from ..model import Confidence
from .catalog import Catalog
from .model import KNOWN_FORMAT, NAMED_CREDENTIAL, PRIVATE_KEY, URL_PASSWORD
from .naming import NameMatch, env_name, normalise, secret_kind
from .values import MAX_VALUE, dsn_passwords, has_key_material, match_formats, plausible, private_key_header, url_passwords

def _password_kind(scheme: str) -> str:
    return "connection string password" if scheme == "connection string" else f"{scheme} URL password"


_URL_ENV = {
    "postgres": "DATABASE_URL", "postgresql": "DATABASE_URL", "mysql": "DATABASE_URL", "mariadb": "DATABASE_URL",
    "mssql": "DATABASE_URL", "oracle": "DATABASE_URL", "redis": "REDIS_URL", "rediss": "REDIS_URL",
    "connection string": "DATABASE_DSN", "amqp": "BROKER_URL", "amqps": "BROKER_URL", "mongodb": "MONGODB_URI", "mongodb+srv": "MONGODB_URI",
}


@dataclass(frozen=True)
class Verdict:
    code: str
    kind: str
    shown: str
    env_name: str
    confidence: Confidence
    #: Span of the secret inside the value (start, end).
    start: int
    end: int
    #: The whole value is the secret (a fix may move the literal as it is).
    whole: bool


def classify(
    value: str,
    name: str | None,
    catalog: Catalog,
    owner: str | None = None,
    kind_hint: str | None = None,
    qualify: bool = False,
    documentation: bool = False,
) -> Verdict | None:
    """What ``value`` (held by ``name``, inside ``owner``) is, or None when not a secret.

    ``kind_hint`` comes from a call argument known to be a credential (``login(user, pw)``).
    In ``documentation`` (docstrings) only key formats and private keys count: example URLs
    with ``user:password@`` are how libraries document their parsers.
    """
    if len(value) < 6 or len(value) > MAX_VALUE:
        return None
    header = private_key_header(value)
    if header is not None and has_key_material(value[header.end() :]):
        env = env_name(name, owner, qualify) if name else "PRIVATE_KEY"
        return private_key_verdict(header.start(), len(value), env, whole=header.start() == 0)
    normalised = normalise(name) if name else None
    formats = match_formats(value, normalised, catalog)
    if formats:
        first = formats[0]
        first.format.row.hit()
        whole = first.start == 0 and first.end == len(value.rstrip())
        env = env_name(name, owner, qualify) if name and secret_kind(name, catalog) else first.format.env
        return Verdict(KNOWN_FORMAT, first.format.label, first.shown(value), env, Confidence.HIGH, first.start, first.end, whole)
    if documentation:
        return None
    urls = url_passwords(value, catalog) or dsn_passwords(value, catalog)
    if urls:
        found = urls[0]
        env = env_name(name, owner, qualify) if name else _URL_ENV.get(found.scheme, f"{normalise(found.scheme).upper() or 'SERVICE'}_URL")
        return Verdict(URL_PASSWORD, _password_kind(found.scheme), "", env, Confidence.HIGH, found.start, found.end, True)
    match = NameMatch(kind_hint) if kind_hint else secret_kind(name, catalog)
    if match is None or not plausible(value, match.kind, name, catalog, generated=match.random):
        return None
    kind = match.kind
    env = env_name(name, owner, qualify) if name else env_name(kind.replace(" ", "_"), owner)
    return Verdict(NAMED_CREDENTIAL, kind, "", env, Confidence.MEDIUM, 0, len(value), True)


def anonymous_formats(text: str, catalog: Catalog) -> list[Verdict]:
    """Every known-format key in ``text`` (a comment), wherever it sits."""
    found = []
    for match in match_formats(text, None, catalog):
        match.format.row.hit()
        found.append(Verdict(KNOWN_FORMAT, match.format.label, match.shown(text), match.format.env, Confidence.HIGH, match.start, match.end, False))
    return found


def anonymous(text: str, catalog: Catalog) -> list[Verdict]:
    """Every known-format key and URL password anywhere in ``text`` (one config line).

    No length cap: the regexes are linear, and a minified file keeps its secrets on one line.
    """
    found = anonymous_formats(text, catalog)
    for url in [*url_passwords(text, catalog), *dsn_passwords(text, catalog)]:
        env = _URL_ENV.get(url.scheme, f"{normalise(url.scheme).upper() or 'SERVICE'}_URL")
        found.append(Verdict(URL_PASSWORD, _password_kind(url.scheme), "", env, Confidence.HIGH, url.start, url.end, False))
    return found


def private_key_verdict(start: int, end: int, env: str = "PRIVATE_KEY", whole: bool = False) -> Verdict:
    return Verdict(PRIVATE_KEY, "private key", "", env, Confidence.HIGH, start, end, whole)
