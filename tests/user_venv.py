"""A user's virtualenv for interpreter tests: ``fakedb`` is installed there and nowhere else.

``fakedb.open_db()`` returns ``sqlite3.connect(...)``: resolving ``conn.execute`` in
:data:`USES_PACKAGE` to ``sqlite3.Connection.execute`` proves the lookup went through that
interpreter's site-packages. Importing ``fakedb`` would write :func:`canary`.
"""

from __future__ import annotations

import venv
from pathlib import Path

FAKE_PACKAGE = "import sqlite3\n\n\ndef open_db(path):\n    return sqlite3.connect(path)\n"
USES_PACKAGE = "import fakedb\n\nconn = fakedb.open_db('app.db')\nconn.execute('q')\n"


def canary(python: Path) -> Path:
    return python.parent.parent.parent / "imported.txt"


def make_user_python(base: Path) -> Path:
    """Create the virtualenv under ``base``; its python executable."""
    venv.create(base / "env", with_pip=False)
    python = base / "env" / "bin" / "python"
    site = next((base / "env").glob("lib/python*/site-packages"))
    (site / "fakedb").mkdir()
    (site / "fakedb" / "__init__.py").write_text(FAKE_PACKAGE + f"open({str(canary(python))!r}, 'w').write('imported')\n")
    return python
