from functools import wraps

from flask import abort, g, request
from pymongo import MongoClient

users = MongoClient().inventory.users


def token_required(f):
    @wraps(f)
    def wrapper(*a, **kw):
        token = request.headers.get("Authorization", "").replace("Bearer ", "")
        g.user = users.find_one({"api_token": token}) if token else None
        if g.user is None:
            abort(401)
        return f(*a, **kw)

    return wrapper
