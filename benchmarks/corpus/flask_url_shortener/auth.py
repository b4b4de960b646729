import hmac
import os
from functools import wraps

from flask import abort, request

API_KEYS = set(filter(None, os.environ.get("SHORTENER_API_KEYS", "").split(",")))


def api_key_required(view):
    @wraps(view)
    def inner(*args, **kwargs):
        key = request.headers.get("X-API-Key", "")
        if not any(hmac.compare_digest(key, k) for k in API_KEYS):
            abort(401)
        return view(*args, **kwargs)

    return inner
