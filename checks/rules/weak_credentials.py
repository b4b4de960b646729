"""CW205-CW207: credentials that only look like placeholders.

Detection lives in :mod:`codeward.checks.secrets.weak`; these functions turn its results
into findings and fixes. Messages name what holds the value, never the value.
"""

from __future__ import annotations

from collections.abc import Iterator

from ..context import RuleContext
from ..model import Applicability, Finding, Fix, Severity
from ..registry import rule
from ..secrets.envfix import Convention, convention_for
from ..secrets.weak import CONNECT_PASSWORD, PASSWORD_COMPARISON, SIGNING_DEFAULT, WeakCredential, find_weak

_STRICT = Convention('os.environ["{name}"]', ("import os",))


def _findings(ctx: RuleContext, code: str) -> Iterator[Finding]:
    for weak in find_weak(ctx):
        if weak.code == code:
            yield ctx.finding(
                weak.range,
                message(weak),
                fix=_fix(ctx, weak),
                confidence=weak.confidence,
                fingerprint="|".join((weak.code, weak.kind, weak.name, weak.env_name)),
                properties={"secret_kind": weak.kind, "environment_variable": weak.env_name},
            )


def message(weak: WeakCredential) -> str:
    """What is guessable, why it matters, what to do; never the value."""
    if weak.code == PASSWORD_COMPARISON:
        return (f"`{weak.name}` is compared with a literal password: everyone who reads the code can log in, "
                "and it cannot be changed without a release; compare against a stored hash "
                "(`check_password_hash`, `hmac.compare_digest` of digests) instead")
    if weak.code == CONNECT_PASSWORD:
        return (f"literal password passed to `{weak.name}`: a guessable or default credential ships with the code; "
                f"read it from the environment variable `{weak.env_name}` instead")
    harm = ("anyone can forge the sessions or tokens it signs" if weak.kind == "signing key"
            else f"anyone who reads the code knows the {weak.kind}")
    if weak.fallback_of is not None:
        return (f"`{weak.name}` falls back to a literal {weak.kind} when the environment variable `{weak.fallback_of}` "
                f"is unset, and such defaults reach production: {harm}; read the variable without a default so the "
                "program fails at start when it is missing")
    subject = f"the key passed to `{weak.name}`" if weak.argument else f"`{weak.name}`"
    return (f"{subject} is a guessable literal {weak.kind}: {harm}; "
            f"read a random value from the environment variable `{weak.env_name}` instead")


def _fix(ctx: RuleContext, weak: WeakCredential) -> Fix | None:
    """Replace the literal (or the whole defaulted read) with a read that fails when unset.

    The project's env reader is kept when it raises on a missing variable (decouple,
    environs, django-environ); ``os.getenv`` returns None, so ``os.environ[...]`` replaces it.
    Nothing is written to ``.env``: the guessable value must not survive as the real one."""
    if weak.target is None or not weak.env_name:
        return None
    convention = convention_for(ctx)
    if convention.template.startswith("os.getenv"):
        convention = _STRICT
    return ctx.fix(
        [ctx.replace(weak.target, convention.expression(weak.env_name))],
        title=f"Read {weak.env_name} from the environment, failing at start when it is unset",
        imports=convention.imports,
    )


_TITLE = "Read the credential from the environment without a default"


@rule(
    SIGNING_DEFAULT,
    "guessable-secret-default",
    cwe=(1391, 1188),
    severity=Severity.ERROR,
    fix_title=_TITLE,
    fix_applicability=Applicability.UNSAFE,
)
def guessable_secret_default(ctx: RuleContext) -> Iterator[Finding]:
    """A signing key, app password or checked API key is a guessable literal, or falls back to one.

    What it does:
        Flags a literal that does not look like a real secret (so CW202 is silent) but is
        used as one: the fallback of an environment read
        (`os.environ.get("SECRET_KEY", "dev-secret-key")`, `os.getenv("X") or "dev"`) for a
        signing key, an admin or app password, a service password (low confidence) or an
        API key the file compares requests with; and a literal session or JWT signing key
        (`JWT_SECRET = "change-me"`, `app.secret_key = "secret"`,
        `jwt.encode(payload, "secret")`). Empty defaults, `${VAR}` templates, test files
        and `Test*`/`TestingConfig` classes are skipped.

    Why is this bad:
        A signing key that anyone can guess lets them forge session cookies and tokens for
        any user. A default the app falls back to when the variable is unset is exactly
        what runs in production when a deployment forgets the variable, silently.

    Example:
        ```python
        SECRET_KEY = os.environ.get("SECRET_KEY", "dev-secret-key")
        JWT_SECRET = "change-me"
        ```

    Use instead:
        ```python
        SECRET_KEY = os.environ["SECRET_KEY"]  # KeyError at start when unset
        ```

    Fix safety:
        Unsafe: the program now refuses to start without the variable. The fix uses the
        project's env reader when it raises on a missing variable (python-decouple,
        environs, django-environ), else `os.environ[...]`. Nothing is written to `.env`.
    """
    return _findings(ctx, SIGNING_DEFAULT)


@rule(
    PASSWORD_COMPARISON,
    "hardcoded-password-comparison",
    cwe=(798, 259),
    severity=Severity.ERROR,
)
def hardcoded_password_comparison(ctx: RuleContext) -> Iterator[Finding]:
    """A password-named value is compared with a literal.

    What it does:
        Flags `==`/`!=` between a password-named value (`password`, `form.password.data`,
        `request.form["password"]`, `data.get("pwd")`) and a string literal, whatever the
        literal looks like (`"admin123"` included). Comparisons with field or mode names
        (`"password"`, `"new_password"`), masks (`"****"`), hashes (`password_hash == ...`)
        and empty strings are not flagged; nor are test files.

    Why is this bad:
        The password is readable by everyone with the code, is the same in every
        deployment, and cannot be rotated without a release; `==` also leaks timing.

    Example:
        ```python
        if request.form["password"] == "admin123":
            session["admin"] = True
        ```

    Use instead:
        ```python
        if check_password_hash(os.environ["ADMIN_PASSWORD_HASH"], request.form["password"]):
            session["admin"] = True
        ```

    Fix safety:
        No automatic fix: where the password hash lives is the project's decision.
    """
    return _findings(ctx, PASSWORD_COMPARISON)


@rule(
    CONNECT_PASSWORD,
    "literal-connection-password",
    cwe=(798, 259, 1392),
    severity=Severity.WARNING,
    fix_title=_TITLE,
    fix_applicability=Applicability.UNSAFE,
)
def literal_connection_password(ctx: RuleContext) -> Iterator[Finding]:
    """A literal password, even a default-looking one, is passed to a connect or login call.

    What it does:
        Flags literal `password=`/`passwd=` arguments of database and cache clients
        (MySQLdb, PyMySQL, mysql-connector, psycopg 2/3, asyncpg, pymssql, redis,
        pymongo, SQLAlchemy `URL.create`), the password of `*.login(user, "...")`, and
        the password inside a URL given to `create_engine`, `psycopg2.connect`,
        `MongoClient` or `redis.from_url` (`mysql://root:root@db/app`). Real-looking
        values are CW202/CW203 findings already; this rule adds the default-looking ones
        (`root`, `postgres`, `password`) that those rules skip as placeholders.

    Why is this bad:
        Default database passwords are the first ones an attacker tries, and a password in
        the code is the same in every deployment and cannot be rotated without a release.

    Example:
        ```python
        db = MySQLdb.connect(host="db", user="root", passwd="root")
        ```

    Use instead:
        ```python
        db = MySQLdb.connect(host="db", user="root", passwd=os.environ["MYSQL_PASSWORD"])
        ```

    Fix safety:
        Unsafe: the variable must be set where the program runs; nothing is written to
        `.env`.
    """
    return _findings(ctx, CONNECT_PASSWORD)
