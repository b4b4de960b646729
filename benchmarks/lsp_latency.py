"""Language-server latency: time from a ``didChange`` to the diagnostics of that version.

For generated Python files of 200, 2,000 and 10,000 lines, each server under test gets the
file with ``didOpen`` and then a series of one-key edits, sent one at a time, in four
scenarios (``SCENARIOS``): on a blank line in the middle of the file, inside a function
body, a line typed key by key into a function body (with the brackets and quotes an editor
closes), and in module-level code (an import line); and on real code, modules made of Django's
own (large classes), an edit inside a method and an edit of an import line; the clock runs from sending the edit to receiving
``textDocument/publishDiagnostics`` for that document version (or, for a server that does
not send versions, the first publication after the edit). codeward runs twice: with its debounce at 0 (the
analysis alone) and with the default settings (its adaptive debounce included: what a user
sees). Reported: p50/p95 latency, the cold start (``didOpen`` to first diagnostics on a
fresh server, sent right after ``initialized``), the server's peak RSS (``VmHWM``), and for codeward the
RSS over 10,000 edits (memory must stay flat).

``ruff server`` and ``pylsp`` are measured in the same run when found (``--tools-bin``, by
default ``/work/venvs/bench-lsp/bin``, then ``PATH``); install them in a separate venv:
``python -m venv /work/venvs/bench-lsp && /work/venvs/bench-lsp/bin/pip install ruff python-lsp-server``.
Note that pylsp debounces linting by 0.5 s itself, so its figures include that wait.

codeward runs from its bytecode, as installed: ``pip install`` compiles a wheel's modules (and
pylsp's), while an editable install in an environment with ``PYTHONDONTWRITEBYTECODE`` set
would compile all of its ~130 modules from source at every start (about 0.3 s of CPU). The
benchmark primes a private bytecode cache (``PYTHONPYCACHEPREFIX``) once, untimed;
``--no-bytecode`` measures the compile-at-every-start case instead.

Usage: ``python benchmarks/lsp_latency.py [--edits 40] [--scenarios "blank line,function body"]
[--memory-edits 10000] [--json out.json] [--no-bytecode]``
"""

from __future__ import annotations

import argparse
import ast
import asyncio
import itertools
import json
import os
import re
import shutil
import statistics
import sys
import tempfile
import time
from dataclasses import asdict, dataclass, field
from pathlib import Path

from tool_runners import bytecode_env


SIZES = (200, 2_000, 10_000)
WAIT = 60.0


# -- the code under analysis ---------------------------------------------------------------
_BLOCKS = [
    '''def fetch_{n}(session, url, token):
    """Fetch one page of results for report {n}."""
    headers = {{"Authorization": f"Bearer {{token}}", "X-Report": "{n}"}}
    response = session.get(url, headers=headers, timeout=10)
    response.raise_for_status()
    return [row for row in response.json()["items"] if row.get("id")]
''',
    '''class Handler{n}:
    retries = {n} % 5

    def __init__(self, store):
        self.store = store
        self.seen = set()

    def handle(self, event):
        if event["id"] in self.seen:
            return None
        self.seen.add(event["id"])
        return self.store.save(event)
''',
    '''def insecure_call_{n}(url):
    return requests.post(url, json={{"n": {n}}}, verify=False)
''',
    '''def lookup_{n}(connection, name):
    cursor = connection.cursor()
    cursor.execute("SELECT id, email FROM users WHERE name = ?", (name,))
    return cursor.fetchall()
''',
    '''def summarise_{n}(values):
    total = sum(v * {n} for v in values if v is not None)
    average = total / max(len(values), 1)
    return {{"total": total, "average": round(average, 2), "label": "block {n}"}}
''',
]


def generate(lines: int) -> str:
    """A plausible module of about ``lines`` lines (with a few findings for codeward)."""
    out = ["import os", "import sqlite3", "", "import requests", "", ""]
    n = 0
    while len(out) < lines:
        out.extend(_BLOCKS[n % len(_BLOCKS)].format(n=n).splitlines())
        out.append("")
        n += 1
    return "\n".join(out[:lines]) + "\n"


#: Django modules with large classes (QuerySet, Model, Query, Field, ModelAdmin, SQLCompiler...):
#: real code, where an edit inside a method sits in a class of hundreds or thousands of lines.
_REAL_MODULES = (
    "db/models/query.py", "db/models/base.py", "db/models/sql/query.py", "db/models/fields/__init__.py",
    "contrib/admin/options.py", "db/models/sql/compiler.py", "forms/models.py", "test/testcases.py",
)


def real_module(lines: int) -> str:
    """A module of about ``lines`` lines made of Django's own modules, whole top-level
    statements in order (imports, classes, functions), taken from the Django source that
    ``scan_speed.py`` unpacks from the Django wheel at benchmark time."""
    from scan_speed import ensure_django

    django = ensure_django() / "django"
    out: list[str] = []
    for name in _REAL_MODULES:
        text = (django / name).read_text("utf-8")
        rows = text.splitlines()
        for stmt in ast.parse(text).body:
            decorators = getattr(stmt, "decorator_list", None)
            start = min([stmt.lineno, *(d.lineno for d in decorators)]) if decorators else stmt.lineno
            out += rows[start - 1 : stmt.end_lineno] + ["", ""]
            if len(out) >= lines:
                return "\n".join(out) + "\n"
    return "\n".join(out) + "\n"


def source_for(scenario: str, lines: int) -> str:
    return real_module(lines) if scenario.startswith("django") else generate(lines)


# -- driving a server ------------------------------------------------------------------------
@dataclass
class Result:
    server: str
    lines: int
    scenario: str = "blank"
    edits: int = 0
    p50_ms: float | None = None
    p95_ms: float | None = None
    max_ms: float | None = None
    peak_rss_mb: float | None = None
    #: Cold start: from ``didOpen`` (sent right after ``initialized`` to a fresh process) to
    #: the first diagnostics of the file.
    first_ms: float | None = None
    #: From starting the server process to the first diagnostics (what a user waits for when
    #: opening a file starts the server).
    start_ms: float | None = None
    note: str = ""
    samples_ms: list[float] = field(default_factory=list, repr=False)


class Client:
    """A minimal JSON-RPC client over the server's stdio.

    Plain dicts instead of a typed client library, so a server that sends a message some
    library version cannot parse (ruff's initialize result, for one) still gets measured.
    """

    def __init__(self, process: asyncio.subprocess.Process) -> None:
        self.process = process
        #: What the server gets when it asks for its ``codeward`` settings.
        self.settings: dict = {}
        #: When the server process was started (perf_counter).
        self.spawned = 0.0
        self.published: dict[str, list[tuple[int | None, float]]] = {}
        self.event = asyncio.Event()
        self._ids = itertools.count(1)
        self._pending: dict[int, asyncio.Future] = {}
        self._reader = asyncio.ensure_future(self._read())

    @property
    def pid(self) -> int:
        return self.process.pid

    def _send(self, message: dict) -> None:
        body = json.dumps({"jsonrpc": "2.0", **message}).encode()
        assert self.process.stdin is not None
        self.process.stdin.write(b"Content-Length: %d\r\n\r\n" % len(body) + body)

    def notify(self, method: str, params: dict) -> None:
        self._send({"method": method, "params": params})

    async def request(self, method: str, params: dict | None) -> object:
        number = next(self._ids)
        future: asyncio.Future = asyncio.get_running_loop().create_future()
        self._pending[number] = future
        self._send({"id": number, "method": method, "params": params})
        return await asyncio.wait_for(future, WAIT)

    async def _read(self) -> None:
        stream = self.process.stdout
        assert stream is not None
        while True:
            length = 0
            while True:
                line = await stream.readline()
                if not line:
                    return
                if line in (b"\r\n", b"\n"):
                    break
                if line.lower().startswith(b"content-length:"):
                    length = int(line.split(b":")[1])
            self._handle(json.loads(await stream.readexactly(length)))

    def _handle(self, message: dict) -> None:
        method = message.get("method")
        if method is None:  # a response to one of our requests
            future = self._pending.pop(message.get("id"), None)
            if future is not None and not future.done():
                future.set_result(message.get("result"))
            return
        if method == "textDocument/publishDiagnostics":
            params = message["params"]
            self.published.setdefault(params["uri"], []).append((params.get("version"), time.perf_counter()))
            self.event.set()
        if "id" in message:  # a request from the server: answer the few that need an answer
            result: object = None
            if method == "workspace/configuration":
                result = [self.settings if item.get("section") == "codeward" else None for item in message["params"]["items"]]
            self._send({"id": message["id"], "result": result})

    async def wait(self, uri: str, after: int, version: int) -> float:
        """Arrival time of the first publication after the ``after``-th for ``version``
        (or with no version, for servers that do not send one)."""
        deadline = time.monotonic() + WAIT
        while True:
            self.event.clear()
            for got_version, when in self.published.get(uri, [])[after:]:
                if got_version is None or got_version == version:
                    return when
            remaining = deadline - time.monotonic()
            if remaining <= 0:
                raise TimeoutError(f"no diagnostics for version {version}")
            try:
                await asyncio.wait_for(self.event.wait(), remaining)
            except asyncio.TimeoutError:
                pass


def rss_kb(pid: int, field_name: str = "VmRSS") -> int | None:
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith(field_name + ":"):
                return int(line.split()[1])
    except OSError:
        return None
    return None


CAPABILITIES = {
    "textDocument": {
        "synchronization": {"didSave": True},
        "publishDiagnostics": {"versionSupport": True},
    },
    "workspace": {"configuration": True},
    "general": {"positionEncodings": ["utf-16"]},
}


async def start(command: list[str], root: Path, options: dict | None, env: dict[str, str] | None = None) -> Client:
    spawned = time.perf_counter()
    process = await asyncio.create_subprocess_exec(
        *command, stdin=asyncio.subprocess.PIPE, stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.DEVNULL, cwd=root,
        env=env,
    )
    client = Client(process)
    client.settings = (options or {}).get("codeward", {})
    client.spawned = spawned
    await client.request("initialize", {
        "processId": os.getpid(), "rootUri": root.as_uri(), "capabilities": CAPABILITIES,
        "initializationOptions": options, "workspaceFolders": [{"uri": root.as_uri(), "name": root.name}],
    })
    client.notify("initialized", {})
    return client


async def stop(client: Client) -> None:
    try:
        await client.request("shutdown", None)
        client.notify("exit", None)
        await asyncio.wait_for(client.process.wait(), 10)
    except Exception:
        if client.process.returncode is None:
            client.process.kill()
            await client.process.wait()
    client._reader.cancel()


#: Where the edits land. Every scenario is a real re-analysis per edit; they differ in how
#: much of the module an edit can affect.
SCENARIOS = {
    # a space typed and deleted on a blank line in the middle of the file
    "blank line": "blank",
    # a letter typed and deleted at the start of a variable name in a function body
    # (``total`` → ``xtotal``): the definition's meaning changes, its neighbours' do not
    "function body": "body",
    # a new line typed one key at a time in a function body, the way an editor that closes
    # brackets and quotes produces it (``result = lookup(`` arrives as ``lookup()``), so most
    # states are half-typed statements; then the line is deleted and typed again
    "typing a line": "typing",
    # a letter typed and deleted at the end of the first import (``import os`` → ``import
    # osx``): module-level code every definition may depend on, so codeward re-analyses
    # the whole module
    "module level": "module",
    # On real code (modules made of Django's, see ``real_module``): a letter typed and deleted
    # at the start of a variable name inside a method of a large class...
    "method body (Django)": "django-method",
    # ...and at the end of an import line of the module's top (``import copy`` → ``copyx``).
    "import (Django)": "django-import",
}

_TYPED_LINE = 'result = lookup(total, "name")'
_CLOSERS = {"(": ")", "[": "]", "{": "}", '"': '"'}


def _changes(text: str, lines: int, scenario: str):  # -> Iterator[tuple[int, int, int, int, str]]
    """Endless ``(line, column, end line, end column, new text)`` changes for ``scenario``."""
    rows = text.splitlines()
    middle = lines // 2
    if scenario == "typing":
        line = next(i for i in range(middle, len(rows)) if rows[i].startswith("    total = ")) + 1
        while True:
            yield line, 0, line, 0, "    \n"  # Enter: a new, indented line
            column, pending = 4, ""
            for char in _TYPED_LINE:
                if pending and char == pending[0]:  # typing over the closer the editor added
                    column, pending = column + 1, pending[1:]
                    continue
                closer = _CLOSERS.get(char, "")
                yield line, column, line, column, char + closer
                column, pending = column + 1, closer + pending
            yield line, 0, line + 1, 0, ""  # the line deleted again
    if scenario == "module":
        row, column, char = 0, len(rows[0]), "x"
    elif scenario == "django-import":
        row = next(i for i, r in enumerate(rows) if r.startswith(("import ", "from ")) and not r.endswith(("(", "\\")))
        column, char = len(rows[row]), "x"
    elif scenario == "django-method":
        row = next(i for i in range(middle, len(rows)) if re.match(r"        [a-z_][a-z_0-9]* = ", rows[i]))
        column, char = 8, "x"
    elif scenario == "body":
        row, column, char = next(i for i in range(middle, len(rows)) if rows[i].startswith("    total = ")), 4, "x"
    else:
        row, column, char = next(i for i in range(middle, len(rows)) if not rows[i].strip()), 0, " "
    while True:
        yield row, column, row, column, char  # typed...
        yield row, column, row, column + 1, ""  # ...and deleted


def _edit(uri: str, version: int, change: tuple[int, int, int, int, str]) -> dict:
    line, column, end_line, end_column, text = change
    return {
        "textDocument": {"uri": uri, "version": version},
        "contentChanges": [{
            "range": {"start": {"line": line, "character": column}, "end": {"line": end_line, "character": end_column}},
            "text": text,
        }],
    }


def _open(uri: str, text: str) -> dict:
    return {"textDocument": {"uri": uri, "languageId": "python", "version": 1, "text": text}}


async def measure(
    name: str, command: list[str], options: dict | None, lines: int, edits: int, root: Path, scenario: str = "blank",
    env: dict[str, str] | None = None,
) -> Result:
    result = Result(name, lines, scenario=scenario)
    path = root / f"module_{lines}.py"
    text = source_for(scenario, lines)
    path.write_text(text)
    uri = path.as_uri()
    client = await start(command, root, options, env)
    try:
        pid = client.pid
        opened = time.perf_counter()
        client.notify("textDocument/didOpen", _open(uri, text))
        first = await client.wait(uri, 0, 1)
        result.first_ms = round((first - opened) * 1000, 1)
        result.start_ms = round((first - client.spawned) * 1000, 1)
        version = 1
        changes = _changes(text, lines, scenario)
        for number in range(edits + 3):  # the first 3 are warm-up
            version += 1
            seen = len(client.published.get(uri, []))
            sent = time.perf_counter()
            client.notify("textDocument/didChange", _edit(uri, version, next(changes)))
            arrived = await client.wait(uri, seen, version)
            if number >= 3:
                result.samples_ms.append((arrived - sent) * 1000)
        peak = rss_kb(pid, "VmHWM")
        result.peak_rss_mb = round(peak / 1024, 1) if peak else None
    finally:
        await stop(client)
    samples = sorted(result.samples_ms)
    result.edits = len(samples)
    result.p50_ms = round(statistics.median(samples), 1)
    result.p95_ms = round(samples[min(len(samples) - 1, int(round(0.95 * (len(samples) - 1))))], 1)
    result.max_ms = round(samples[-1], 1)
    return result


async def memory_over_edits(command: list[str], options: dict, total: int, root: Path, env: dict[str, str] | None = None) -> dict:
    """RSS of the server while it receives ``total`` edits (a line typed key by key and
    deleted, over and over; batches of 100, each batch waited for), sampled every 1,000 edits."""
    path = root / "memory.py"
    text = generate(200)
    path.write_text(text)
    uri = path.as_uri()
    client = await start(command, root, options, env)
    samples: list[tuple[int, float]] = []
    try:
        pid = client.pid
        client.notify("textDocument/didOpen", _open(uri, text))
        await client.wait(uri, 0, 1)
        changes = _changes(text, 200, "typing")
        version = 1
        for number in range(total):
            version += 1
            client.notify("textDocument/didChange", _edit(uri, version, next(changes)))
            if (number + 1) % 100 == 0:
                await client.wait(uri, 0, version)
            if (number + 1) % 1000 == 0:
                samples.append((number + 1, round((rss_kb(pid) or 0) / 1024, 1)))
        peak = rss_kb(pid, "VmHWM")
    finally:
        await stop(client)
    return {"edits": total, "rss_mb_every_1000": samples, "peak_rss_mb": round((peak or 0) / 1024, 1)}


def servers(tools_bin: Path) -> list[tuple[str, list[str] | None, dict | None, str]]:
    def find(name: str) -> str | None:
        candidate = tools_bin / name
        return str(candidate) if candidate.exists() else shutil.which(name)

    ruff = find("ruff")
    pylsp = find("pylsp")
    return [
        ("codeward", [sys.executable, "-m", "codeward.server", "lsp"], {"codeward": {"debounce": 0}}, "debounce 0: the analysis alone"),
        # What a user sees with the default settings: the adaptive debounce (the document's
        # measured analysis time, at most 200 ms) is part of every figure.
        ("codeward (as typed)", [sys.executable, "-m", "codeward.server", "lsp"], {"codeward": {}}, "default settings, debounce included"),
        ("ruff server", [ruff, "server"] if ruff else None, None, "" if ruff else "not installed"),
        ("pylsp", [pylsp] if pylsp else None, None, "includes pylsp's own 0.5 s lint debounce" if pylsp else "not installed"),
    ]


def installed_environment(cache: Path) -> dict[str, str]:
    """The environment codeward runs in as installed: with bytecode, in a private cache
    filled by one untimed import of the server and its rules (see ``bytecode_env``)."""
    prime = "import codeward.server.lsp.server; from codeward.checks.registry import all_rules; all_rules()"
    return bytecode_env(dict(os.environ), cache, [sys.executable, "-c", prime])


async def main_async(args: argparse.Namespace) -> dict:
    report: dict = {"results": [], "memory": None, "bytecode": not args.no_bytecode}
    with tempfile.TemporaryDirectory(prefix="codeward-lsp-bench-") as tmp, \
            tempfile.TemporaryDirectory(prefix="codeward-lsp-bytecode-") as bytecode:
        root = Path(tmp)
        codeward_env = None if args.no_bytecode else installed_environment(Path(bytecode))
        for name, command, options, note in servers(args.tools_bin):
            if args.servers and name.split()[0] not in args.servers:
                continue
            for scenario in args.scenarios:
                for lines in args.sizes:
                    if command is None:
                        report["results"].append(asdict(Result(name, lines, scenario, note=note)))
                        continue
                    edits = min(args.edits, 10) if name == "pylsp" else args.edits
                    try:
                        env = codeward_env if name.startswith("codeward") else None
                        result = await measure(name, command, options, lines, edits, root, SCENARIOS[scenario], env)
                        result.note = note
                    except Exception as exc:  # one server failing must not lose the others' figures
                        result = Result(name, lines, scenario, note=f"failed: {type(exc).__name__}: {exc}")
                    result.scenario = scenario
                    report["results"].append(asdict(result))
                    print(_row(result), flush=True)
        if args.memory_edits:
            report["memory"] = await memory_over_edits(servers(args.tools_bin)[0][1], {"codeward": {"debounce": 0}}, args.memory_edits, root, codeward_env)  # type: ignore[arg-type]
            print(f"codeward memory over {args.memory_edits} edits: {report['memory']}", flush=True)
    return report


def _row(r: Result) -> str:
    if r.p50_ms is None:
        return f"{r.server:<12} {r.scenario:<14} {r.lines:>6} lines  {r.note}"
    return (f"{r.server:<12} {r.scenario:<14} {r.lines:>6} lines  p50 {r.p50_ms:>7.1f} ms  p95 {r.p95_ms:>7.1f} ms  "
            f"max {r.max_ms:>7.1f} ms  first {r.first_ms:>7.1f} ms (from start {r.start_ms:>7.1f} ms)  peak RSS {r.peak_rss_mb} MB  ({r.edits} edits) {r.note}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sizes", type=lambda s: [int(x) for x in s.split(",")], default=list(SIZES))
    parser.add_argument("--scenarios", type=lambda s: s.split(","), default=list(SCENARIOS),
                        help="where the edits land: " + ", ".join(SCENARIOS) + " (comma-separated)")
    parser.add_argument("--edits", type=int, default=40, help="measured edits per file size")
    parser.add_argument("--memory-edits", type=int, default=10_000, help="edits for the memory run (0: skip)")
    parser.add_argument("--servers", type=lambda s: s.split(","), default=None, help="e.g. codeward,ruff,pylsp (default: all)")
    parser.add_argument("--tools-bin", type=Path, default=Path("/work/venvs/bench-lsp/bin"))
    parser.add_argument("--json", type=Path, help="also write the figures as JSON")
    parser.add_argument("--no-bytecode", action="store_true",
                        help="run codeward without a bytecode cache (every start compiles its modules from source)")
    args = parser.parse_args()
    report = asyncio.run(main_async(args))
    if args.json:
        args.json.write_text(json.dumps(report, indent=2))


if __name__ == "__main__":
    main()
