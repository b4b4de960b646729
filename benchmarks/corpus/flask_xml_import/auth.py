from functools import wraps

from flask import redirect, session


def login_required(fn):
    @wraps(fn)
    def check(*args, **kwargs):
        if not session.get("user"):
            return redirect("/login")
        return fn(*args, **kwargs)

    return check
