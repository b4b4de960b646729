import hmac
import os
from functools import wraps

from flask import abort, request

API_KEY = os.environ.get("ML_API_KEY", "")


def require_api_key(fn):
    @wraps(fn)
    def inner(*args, **kwargs):
        if not API_KEY or not hmac.compare_digest(request.headers.get("X-API-Key", ""), API_KEY):
            abort(401)
        return fn(*args, **kwargs)

    return inner
