"""CW101–CW112: untrusted data reaching an interpreter, the file system, the network or the session.

All rules share one taint pass per document (:mod:`codeward.checks.taint`); each reports the
hits of its sink category. Sources, sinks, sanitizers and guards are data rows in
``checks/data/taint_*.toml``.
"""

from __future__ import annotations

from collections.abc import Iterator

from ..context import RuleContext
from ..model import Applicability, Finding, Severity
from ..registry import rule
from ..taint.fixes import command_fix, deserialization_fix, path_fix, redirect_fix
from ..taint.report import findings
from ..taint.sqlfix import parameterize_fix


@rule("CW101", "sql-injection", cwe=(89,), severity=Severity.ERROR,
      fix_title="Parameterize the query", fix_applicability=Applicability.SAFE)
def sql_injection(ctx: RuleContext) -> Iterator[Finding]:
    """User input is formatted into an SQL query.

    What it does:
        Follows request data, route parameters, `input()` and `sys.argv` into DB-API
        `execute*` calls (sqlite3, psycopg2/3, pymysql, MySQLdb, asyncpg, aiosqlite),
        SQLAlchemy `text()`/`exec_driver_sql`, Django `raw`/`extra`/`RawSQL`/cursors and
        `pandas.read_sql`, across functions and modules of the project.

    Why is this bad:
        A quote in the input ends the string literal and the rest runs as SQL: the attacker
        reads or changes any table (`' OR 1=1 --`). Assistants write f-string queries
        because they read well.

    Example:
        ```python
        name = request.args["name"]
        cur.execute(f"SELECT * FROM users WHERE name = '{name}'")
        ```

    Use instead:
        ```python
        cur.execute("SELECT * FROM users WHERE name = ?", (name,))
        ```

    Fix safety:
        Safe: the query text is unchanged except that each interpolated value becomes a
        placeholder in the driver's own style (`?`, `%s`, `$1`, `:name`, Django
        `raw(sql, params)`) and the values are passed in order as parameters; the database
        receives the same values. Table and column names cannot be parameters: those queries
        get no automatic fix (use an allowlist).
    """
    yield from findings(ctx, "sql", parameterize_fix)


@rule("CW102", "nosql-injection", cwe=(943,), severity=Severity.ERROR)
def nosql_injection(ctx: RuleContext) -> Iterator[Finding]:
    """Parsed JSON from the request is used as a MongoDB filter, or inside `$where`.

    What it does:
        Flags pymongo/motor `find`, `find_one`, `update_one` and `delete_many` calls whose
        filter holds parsed request JSON (which can carry operators such as `{"$ne": null}`),
        and any user data inside `$where`/`$function` JavaScript.

    Why is this bad:
        `{"password": {"$ne": ""}}` matches every user: operator injection bypasses login
        checks; `$where` runs attacker JavaScript on the database server.

    Example:
        ```python
        users.find_one({"name": body["name"], "password": body["password"]})
        ```

    Use instead:
        ```python
        users.find_one({"name": str(body["name"]), "password": str(body["password"])})
        ```

    Fix safety:
        No automatic fix: which fields must be strings depends on the schema.
    """
    yield from findings(ctx, "nosql")


@rule("CW103", "os-command-injection", cwe=(78,), severity=Severity.ERROR,
      fix_title="Pass an argument list without a shell", fix_applicability=Applicability.UNSAFE)
def os_command_injection(ctx: RuleContext) -> Iterator[Finding]:
    """User input reaches a shell command.

    What it does:
        Flags `os.system`, `os.popen`, `subprocess.*(..., shell=True)`,
        `subprocess.getoutput` and `asyncio.create_subprocess_shell` with user data in the
        command string.

    Why is this bad:
        The shell interprets `;`, `|`, `$(...)` and backticks in the input, so the attacker
        runs any command with the server's privileges.

    Example:
        ```python
        os.system(f"ping -c 1 {host}")
        ```

    Use instead:
        ```python
        subprocess.run(["ping", "-c", "1", host])
        ```

    Fix safety:
        Unsafe: the command runs without a shell, so shell features the original relied on
        (globs, pipes, variables) no longer apply and `os.system`'s return value is replaced
        by a `CompletedProcess`. Offered only when the command text has no shell syntax.
    """
    yield from findings(ctx, "command", command_fix)


@rule("CW104", "code-injection", cwe=(94,), severity=Severity.ERROR)
def code_injection(ctx: RuleContext) -> Iterator[Finding]:
    """User input is evaluated as Python code or rendered as a template.

    What it does:
        Flags `eval`, `exec`, `compile`, `__import__`/`importlib.import_module`, Flask
        `render_template_string`, `jinja2.Template` and `Environment.from_string` (not the
        sandboxed environment) fed with user data.

    Why is this bad:
        The attacker runs Python in the server process; a template built from input gives the
        same through `{{ ''.__class__.__mro__ ... }}` (server-side template injection).

    Example:
        ```python
        return render_template_string(f"<h1>Hello {name}</h1>")
        ```

    Use instead:
        ```python
        return render_template_string("<h1>Hello {{ name }}</h1>", name=name)
        ```

    Fix safety:
        No automatic fix: replacing `eval` needs to know what the input may contain
        (`ast.literal_eval` accepts only literals).
    """
    yield from findings(ctx, "code")


@rule("CW105", "path-traversal", cwe=(22,), severity=Severity.ERROR,
      fix_title="Resolve the path with safe_join", fix_applicability=Applicability.UNSAFE)
def path_traversal(ctx: RuleContext) -> Iterator[Finding]:
    """A user-controlled file path is opened, sent or deleted.

    What it does:
        Flags `open`, `send_file`, `FileResponse`, `os.remove`/`os.unlink` and the `Path`
        readers and writers (`read_text`, `read_bytes`, `write_text`, `open`, `unlink`) whose
        path comes from user data, including paths built with `os.path.join` or `/`
        (`secure_filename`, `safe_join`, `os.path.basename` and `Path(x).name` make it safe).
        Also flags `tarfile` `extractall` without `filter=`, whatever the archive ("tar slip").

    Why is this bad:
        `../../etc/passwd` (or an absolute path, which makes `os.path.join` drop the base)
        reads or overwrites any file the server can access; a tar member named that way, or
        a link out of the folder, is written wherever it points.

    Example:
        ```python
        return send_file(os.path.join(UPLOADS, name))
        ```

    Use instead:
        ```python
        return send_file(safe_join(UPLOADS, name))  # or secure_filename(name)
        ```

    Fix safety:
        Unsafe: `werkzeug.security.safe_join` returns None for paths that leave the base
        directory, which the code must then handle (404). Offered for `os.path.join(BASE, x)`
        paths. For tar archives, `filter="data"` is added: archives with links out of the
        folder or special files then fail to extract, and Pythons older than 3.8.17,
        3.9.17, 3.10.12 or 3.11.4 do not know the argument.
    """
    yield from findings(ctx, "path", path_fix)


@rule("CW106", "server-side-request-forgery", cwe=(918,), severity=Severity.ERROR)
def ssrf(ctx: RuleContext) -> Iterator[Finding]:
    """The server fetches a URL the user chose.

    What it does:
        Flags requests, httpx, urllib and aiohttp calls whose URL comes from user data,
        unless the scheme and host are fixed by a constant prefix or checked against an
        allowlist (`urlparse(url).hostname in ALLOWED_HOSTS`).

    Why is this bad:
        The attacker makes the server call internal services and cloud metadata endpoints
        (`http://169.254.169.254/`) that are unreachable from outside.

    Example:
        ```python
        requests.get(request.args["url"])
        ```

    Use instead:
        ```python
        url = request.args["url"]
        if urlparse(url).hostname not in ALLOWED_HOSTS:
            abort(400)
        requests.get(url)
        ```

    Fix safety:
        No automatic fix: the allowlist is specific to the application.
    """
    yield from findings(ctx, "ssrf")


@rule("CW107", "open-redirect", cwe=(601,), severity=Severity.WARNING,
      fix_title="Redirect only to local paths", fix_applicability=Applicability.UNSAFE)
def open_redirect(ctx: RuleContext) -> Iterator[Finding]:
    """The user chooses where a redirect goes.

    What it does:
        Flags Flask/Django/FastAPI/Starlette redirects to a URL from user data that is not
        checked with `url_has_allowed_host_and_scheme` or an allowlist.

    Why is this bad:
        A link on the real domain sends victims to a phishing page (`/login?next=https://evil`),
        and OAuth flows leak tokens to the attacker's host.

    Example:
        ```python
        return redirect(request.args.get("next", "/"))
        ```

    Use instead:
        ```python
        target = request.args.get("next", "/")
        if not url_has_allowed_host_and_scheme(target, allowed_hosts={request.host}):
            target = "/"
        return redirect(target)
        ```

    Fix safety:
        Unsafe: in Django projects the fix redirects to the target only when
        `url_has_allowed_host_and_scheme(target, allowed_hosts=None)` accepts it (a local
        path) and to `/` otherwise, which changes where legitimate absolute links go. Other
        frameworks get no automatic fix (the allowlist is the application's).
    """
    yield from findings(ctx, "redirect", redirect_fix)


@rule("CW108", "unsafe-deserialization", cwe=(502,), severity=Severity.ERROR,
      fix_title="Use yaml.safe_load", fix_applicability=Applicability.SAFE)
def unsafe_deserialization(ctx: RuleContext) -> Iterator[Finding]:
    """Untrusted bytes are deserialized into Python objects.

    What it does:
        Flags `pickle`, `marshal` and `jsonpickle` loading user data, and `yaml.load` without
        a safe Loader (any input: YAML files travel between systems).

    Why is this bad:
        Unpickling runs code chosen by whoever wrote the bytes; `yaml.load` with the full
        loader builds arbitrary Python objects (`!!python/object/apply:os.system`).

    Example:
        ```python
        config = yaml.load(request.data, Loader=yaml.Loader)
        ```

    Use instead:
        ```python
        config = yaml.safe_load(request.data)
        ```

    Fix safety:
        Safe for YAML: `yaml.safe_load` returns the same data for plain YAML and refuses only
        Python-specific tags. Pickle data has no safe drop-in replacement (use JSON).
    """
    yield from findings(ctx, "deserialization", deserialization_fix)


@rule("CW109", "xml-external-entities", cwe=(611,), severity=Severity.ERROR)
def xxe(ctx: RuleContext) -> Iterator[Finding]:
    """User-supplied XML is parsed by a parser that expands entities.

    What it does:
        Flags `lxml.etree.fromstring`, `XML` and `parse` of user data without a hardened
        `parser=` (or with one built with `resolve_entities=True`), and the standard
        library's `xml.dom.minidom.parseString` and `xml.etree.ElementTree.fromstring`,
        which expand internal entities (billion laughs).

    Why is this bad:
        An external entity (`<!ENTITY x SYSTEM "file:///etc/passwd">`) makes the parser read
        local files or fetch internal URLs and put them in the document; nested internal
        entities blow a few bytes up into gigabytes.

    Example:
        ```python
        doc = etree.fromstring(request.data)
        ```

    Use instead:
        ```python
        doc = defusedxml.lxml.fromstring(request.data)
        # or etree.fromstring(data, parser=etree.XMLParser(resolve_entities=False, no_network=True))
        ```

    Fix safety:
        No automatic fix: defusedxml may not be installed.
    """
    yield from findings(ctx, "xxe")


@rule("CW110", "ldap-injection", cwe=(90,), severity=Severity.ERROR)
def ldap_injection(ctx: RuleContext) -> Iterator[Finding]:
    """User input is formatted into an LDAP search filter.

    What it does:
        Flags python-ldap `search_s` and ldap3 `Connection.search` filters built from user
        data that was not escaped with `escape_filter_chars`.

    Why is this bad:
        `*)(uid=*` widens the filter: login checks match any account and searches dump the
        directory.

    Example:
        ```python
        conn.search_s(BASE, ldap.SCOPE_SUBTREE, f"(uid={username})")
        ```

    Use instead:
        ```python
        conn.search_s(BASE, ldap.SCOPE_SUBTREE, f"(uid={escape_filter_chars(username)})")
        ```

    Fix safety:
        No automatic fix.
    """
    yield from findings(ctx, "ldap")


@rule("CW111", "xpath-injection", cwe=(643,), severity=Severity.ERROR)
def xpath_injection(ctx: RuleContext) -> Iterator[Finding]:
    """User input is formatted into an XPath expression.

    What it does:
        Flags lxml `xpath()` and `etree.XPath()` expressions built from user data.

    Why is this bad:
        `' or '1'='1` changes the query's logic and exposes other nodes of the document.

    Example:
        ```python
        root.xpath(f"//user[@name='{name}']")
        ```

    Use instead:
        ```python
        root.xpath("//user[@name=$name]", name=name)
        ```

    Fix safety:
        No automatic fix.
    """
    yield from findings(ctx, "xpath")


@rule("CW112", "trust-boundary-violation", cwe=(501,), severity=Severity.WARNING)
def trust_boundary(ctx: RuleContext) -> Iterator[Finding]:
    """Unvalidated user input is stored in the session.

    What it does:
        Flags assignments of request data to Flask `session[...]` or Django
        `request.session[...]` without a validating cast or allowlist.

    Why is this bad:
        Code that reads the session trusts it (roles, user ids, redirect targets); storing
        raw input there lets the user set values the server believes it chose.

    Example:
        ```python
        session["role"] = request.form["role"]
        ```

    Use instead:
        ```python
        role = request.form["role"]
        if role not in SELF_SERVICE_ROLES:
            abort(403)
        session["role"] = role
        ```

    Fix safety:
        No automatic fix.
    """
    yield from findings(ctx, "session")
