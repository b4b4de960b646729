import hmac
import os

import pymysql
from werkzeug.security import check_password_hash

ADMIN_PASSWORD_HASH = os.environ["WIKI_ADMIN_PASSWORD_HASH"]


def unlock_maintenance(password: str) -> bool:
    return password == "wiki-maint-2024"


def unlock_admin(password: str) -> bool:
    return check_password_hash(ADMIN_PASSWORD_HASH, password)


def check_export_token(token: str) -> bool:
    return hmac.compare_digest(token, os.environ["WIKI_EXPORT_TOKEN"])


def legacy_connection():
    return pymysql.connect(host="legacy-db.internal", user="wiki", password="wiki", database="wiki")


def connection():
    return pymysql.connect(host="db.internal", user="wiki", password=os.environ["WIKI_DB_PASSWORD"], database="wiki")
