"""Reproducers shared by the hostile suite: an injection hidden behind pathological code."""

from __future__ import annotations

import dataclasses

from codeward.checks.config import Config

#: The configuration for reproducers that must finish, not race the clock: the default 10 s
#: limit per file is for users' machines, and on a shared machine at load 11 a 1-4 s module
#: took 15 s. What these tests guard against took minutes (or never ended) before.
PATIENT = dataclasses.replace(Config(), timeout=60)

#: A route with a SQL injection (CW101) the pathological code must not hide.
INJECTION = '''import sqlite3
from flask import Flask, request
app = Flask(__name__)


@app.route("/q")
def q():
    cur = sqlite3.connect("x").cursor()
    cur.execute("SELECT * FROM t WHERE id = " + request.args["id"])
    return "ok"
'''
INJECTION_LINE = 9  # 1-based

CAPABILITIES = {
    "textDocument": {"synchronization": {"didSave": True}, "publishDiagnostics": {"versionSupport": True}},
    "workspace": {"configuration": True},
    "general": {"positionEncodings": ["utf-16"]},
}


def helper_chain(count: int = 140) -> str:
    """One-line helpers each calling the next."""
    return "".join(f"\n\ndef h{i}(x):\n    return h{i + 1}(x)\n" for i in range(count)) + f"\n\ndef h{count}(x):\n    return x\n"


def nested_lambdas(count: int = 2000) -> str:
    return "\nf = " + "lambda: " * count + "1\n"


def mutual_recursion(count: int = 500) -> str:
    return "".join(f"\n\ndef m{i}(x):\n    return m{(i + 1) % count}(x)\n" for i in range(count))


def chained_methods(count: int = 10000) -> str:
    """A class whose methods each call the next one."""
    body = "".join(f"    def a{i}(self):\n        return self.a{i + 1}()\n\n" for i in range(count))
    return f"\n\nclass C:\n{body}    def a{count}(self):\n        return 1\n"


DEEP_SHAPES = {
    "helper-chain": helper_chain,
    "nested-lambdas": nested_lambdas,
    "mutual-recursion": mutual_recursion,
    "chained-methods": chained_methods,
}
