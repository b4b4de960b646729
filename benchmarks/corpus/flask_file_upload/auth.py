from functools import wraps

from flask import abort, session


def require_login(f):
    @wraps(f)
    def decorated(*args, **kwargs):
        if "user_id" not in session:
            abort(401)
        return f(*args, **kwargs)

    return decorated
