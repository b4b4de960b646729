"""CW2xx: hardcoded secrets in Python code and configuration files.

Four stable codes, by how the secret was recognised (each has its own precision):

* CW201 ``hardcoded-known-format-secret``: a provider key format (AWS, GitHub, Stripe...);
* CW202 ``hardcoded-credential``: a real-looking value held by a credential-named variable,
  key, argument or setting (``DB_PASS``, ``apiKey``, Flask/Django ``SECRET_KEY``);
* CW203 ``password-in-url``: a password inside a URL or connection string;
* CW204 ``hardcoded-private-key``: a PEM private key block.

Detection lives in :mod:`codeward.checks.secrets`; these functions only turn its results
into findings. Messages name the kind and at most the public prefix of a format, and the
fingerprint holds no value-derived text for guessable values.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterator

from ..context import RuleContext
from ..model import Applicability, Finding, Severity
from ..registry import rule
from ..secrets import Secret, find_secrets
from ..secrets import git
from ..secrets.envfix import build_fix, destination_problem
from ..secrets.model import KNOWN_FORMAT, NAMED_CREDENTIAL, PRIVATE_KEY, URL_PASSWORD

KINDS = ("python", "toml", "yaml", "json", "ini", "env", "dockerfile")
_FIX_TITLE = "Move the secret to an environment variable"


def _findings(ctx: RuleContext, code: str) -> Iterator[Finding]:
    secrets = [s for s in find_secrets(ctx) if s.code == code]
    if not secrets:
        return
    location = git.locate(ctx)
    refusal = destination_problem(location) if ctx.doc.tree is not None else None
    for secret in secrets:
        leaked = git.in_history(location, secret.value)
        fix = build_fix(ctx, secret, location) if ctx.doc.tree is not None and refusal is None else None
        text = message(secret, leaked, ctx.doc.tree is not None)
        if refusal is not None:
            text += f" (no automatic fix: {refusal})"
        yield ctx.finding(
            secret.range,
            text,
            fix=fix,
            confidence=secret.confidence,
            fingerprint=fingerprint(secret),
            properties={"secret_kind": secret.kind, "environment_variable": secret.env_name},
        )


def message(secret: Secret, leaked: bool, python: bool) -> str:
    """What was found, where, and what to do; never the value itself."""
    what = f"{secret.kind} `{secret.shown}…`" if secret.shown else secret.kind
    where = f" in `{secret.name}`" if secret.name and not secret.fallback else ""
    if secret.fallback:
        text = f"hardcoded {what} as the fallback of environment variable `{secret.name}`"
    else:
        text = f"hardcoded {what}{where}"
    text += f"; read it from the environment variable `{secret.env_name}` instead" if python else "; load it from the environment or a secrets manager instead"
    if leaked:
        text += ". It is already in git history: treat it as leaked and rotate it"
    return text


def fingerprint(secret: Secret) -> str:
    """A stable identity for baselines. Known formats are random enough that a short hash
    identifies them without helping a guesser; named values (often weak passwords) use
    their name only."""
    parts = [secret.code, secret.kind, secret.name or "", secret.env_name]
    if secret.code in (KNOWN_FORMAT, PRIVATE_KEY):
        parts.append(hashlib.sha256(secret.value.encode("utf-8", "surrogatepass")).hexdigest()[:12])
    return "|".join(parts)


@rule(
    KNOWN_FORMAT,
    "hardcoded-known-format-secret",
    cwe=(798,),
    severity=Severity.ERROR,
    kinds=KINDS,
    fix_title=_FIX_TITLE,
    fix_applicability=Applicability.UNSAFE,
)
def hardcoded_known_format_secret(ctx: RuleContext) -> Iterator[Finding]:
    """A credential in a known provider format is written into the code or a config file.

    What it does:
        Finds API keys and tokens by their format: AWS access key ids (and secret keys held
        by an AWS-named variable), GitHub and GitLab tokens, Slack tokens and webhook URLs,
        Stripe secret keys, OpenAI, Anthropic and Hugging Face keys, Google API keys, Twilio,
        SendGrid and Mailgun keys, and JSON Web Tokens. Placeholders (`EXAMPLE`, `xxxx`) and
        values that are not random enough are skipped. Python files, TOML, YAML, JSON,
        INI/CFG, `.env` files and Dockerfiles are checked.

    Why is this bad:
        Anyone who can read the repository, a wheel, a container image or a log of the file
        can use the key. Keys pushed to a public repository are found by scrapers within
        minutes; removing the line later does not remove it from git history.

    Example:
        ```python
        stripe.api_key = "sk_live_<24 random characters>"
        ```

    Use instead:
        ```python
        stripe.api_key = os.environ["STRIPE_API_KEY"]
        ```

    Fix safety:
        Unsafe: the program now needs the environment variable at run time. The fix adds the
        value to the project's `.env` (adding `.env` to `.gitignore` first when git does not
        ignore it) and `NAME=` to `.env.example` when that file exists. It keeps the app
        starting: when the project loads `.env` (python-dotenv's `load_dotenv()`, python-decouple,
        `read_env()`, pydantic-settings `env_file`) the read follows it; when python-dotenv is
        declared or installed, `load_dotenv()` is added after the imports; otherwise the read
        is guarded by an error naming the variable. The title says which. No fix is offered
        when `.env` is a symlink or tracked by git. A key that was already committed must be
        rotated; the message says so when git history has it.
    """
    return _findings(ctx, KNOWN_FORMAT)


@rule(
    NAMED_CREDENTIAL,
    "hardcoded-credential",
    cwe=(798, 259),
    severity=Severity.ERROR,
    kinds=KINDS,
    fix_title=_FIX_TITLE,
    fix_applicability=Applicability.UNSAFE,
)
def hardcoded_credential(ctx: RuleContext) -> Iterator[Finding]:
    """A password, secret, token or key literal is assigned to a credential-named place.

    What it does:
        Flags a real-looking literal (length, entropy, character classes; not a placeholder
        such as `changeme`, `<token>`, `${VAR}` or `your-key-here`) held by a variable,
        attribute, dict key, keyword argument, parameter default, config entry or setting
        whose name says password, secret, token, key or credential in any style (`apiKey`,
        `DB_PASS`, `client_secret`, Flask `app.config["SECRET_KEY"]`, Django `SECRET_KEY`),
        a credential argument of a known call (`smtp.login(user, "...")`,
        `jwt.encode(payload, "...")`), and a real-looking fallback of an environment read
        (`os.getenv("TOKEN", "...")`). Files under test folders are skipped unless
        `secrets-in-tests = true`.

    Why is this bad:
        The credential is readable by everyone with the code and cannot be changed without a
        release. A hardcoded session or JWT signing key lets anyone who reads it forge
        sessions and tokens for any user.

    Example:
        ```python
        app.config["SECRET_KEY"] = "<a long random string>"
        DATABASES = {"default": {"PASSWORD": "<the real password>"}}
        ```

    Use instead:
        ```python
        app.config["SECRET_KEY"] = os.environ["SECRET_KEY"]
        ```

    Fix safety:
        Unsafe: the environment variable must be set where the program runs. The fix follows
        the project's convention (`os.environ`, `os.getenv`, python-decouple `config`,
        environs or django-environ `Env`), writes the value to a git-ignored `.env` and
        documents the name in `.env.example` when it exists. As for CW201, it follows the
        project's `.env` loader, adds `load_dotenv()` when python-dotenv is available, or
        guards the read with a clear error, and says which in its title.
    """
    return _findings(ctx, NAMED_CREDENTIAL)


@rule(
    URL_PASSWORD,
    "password-in-url",
    cwe=(798, 259),
    severity=Severity.ERROR,
    kinds=KINDS,
    fix_title=_FIX_TITLE,
    fix_applicability=Applicability.UNSAFE,
)
def password_in_url(ctx: RuleContext) -> Iterator[Finding]:
    """A URL or connection string carries a password.

    What it does:
        Flags `scheme://user:password@host` literals (database URLs given to
        `create_engine`, `SQLALCHEMY_DATABASE_URI`, Redis and AMQP brokers, HTTP basic auth)
        whose password is not a placeholder or a `{}`/`%s`/`${VAR}` interpolation.

    Why is this bad:
        The database password ships with the code and shows up in logs and error pages that
        print the URL.

    Example:
        ```python
        engine = create_engine("postgresql://app:<password>@db.internal/app")
        ```

    Use instead:
        ```python
        engine = create_engine(os.environ["DATABASE_URL"])
        ```

    Fix safety:
        Unsafe: the whole URL moves to the environment variable (`DATABASE_URL` or a name
        derived from the variable), which must be set where the program runs; `.env` gets
        the value as for the other secret rules.
    """
    return _findings(ctx, URL_PASSWORD)


@rule(
    PRIVATE_KEY,
    "hardcoded-private-key",
    cwe=(321, 798),
    severity=Severity.ERROR,
    kinds=KINDS,
    fix_title=_FIX_TITLE,
    fix_applicability=Applicability.UNSAFE,
)
def hardcoded_private_key(ctx: RuleContext) -> Iterator[Finding]:
    """A PEM private key block is embedded in code or configuration.

    What it does:
        Flags `-----BEGIN ... PRIVATE KEY-----` blocks followed by key material (a bare
        header in documentation is not flagged; public keys and certificates are not
        secrets).

    Why is this bad:
        Whoever has the key can impersonate the service: sign tokens, decrypt traffic, log
        in over SSH.

    Example:
        ```python
        SIGNING_KEY = \"\"\"-----BEGIN RSA PRIVATE KEY-----
        <base64 key material>
        -----END RSA PRIVATE KEY-----\"\"\"
        ```

    Use instead:
        ```python
        SIGNING_KEY = os.environ["SIGNING_KEY"]  # or read it from a file outside the repo
        ```

    Fix safety:
        Unsafe: the key moves to `.env` as a quoted multi-line value, which python-dotenv
        and docker compose read; other loaders may need the key in a file instead.
    """
    return _findings(ctx, PRIVATE_KEY)
