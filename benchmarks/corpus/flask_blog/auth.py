from functools import wraps

from flask import abort, g, session

from .db import query


def load_user():
    uid = session.get("uid")
    g.user = query("SELECT id, role FROM users WHERE id = ?", (uid,), one=True) if uid else None


def author_required(f):
    @wraps(f)
    def inner(*args, **kwargs):
        if g.user is None or g.user["role"] not in ("author", "admin"):
            abort(403)
        return f(*args, **kwargs)

    return inner
