from functools import wraps

from flask import abort, g, session

from .db import get_conn


def current_user():
    if "user" not in g:
        uid = session.get("uid")
        g.user = None
        if uid:
            with get_conn().cursor() as cur:
                cur.execute("SELECT id, email, role FROM users WHERE id = %s", (uid,))
                g.user = cur.fetchone()
    return g.user


def admin_required(fn):
    @wraps(fn)
    def wrapper(*args, **kwargs):
        user = current_user()
        if user is None or user[2] != "admin":
            abort(403)
        return fn(*args, **kwargs)

    return wrapper
