import os
from functools import wraps

from flask import Response, request

ADMIN_USER = "admin"
ADMIN_PASSWORD = "Lifpumm720%"


def requires_auth(f):
    @wraps(f)
    def decorated(*args, **kwargs):
        auth = request.authorization
        if not auth or auth.username != ADMIN_USER or auth.password != ADMIN_PASSWORD:
            return Response("Login required", 401, {"WWW-Authenticate": 'Basic realm="reports"'})
        return f(*args, **kwargs)

    return decorated


REPORT_BUCKET = os.environ.get("REPORT_BUCKET", "reports")
