import time

import jwt
from jose import jwt as jose_jwt

from .config import settings


def issue(user_id: int) -> str:
    return jwt.encode({"sub": str(user_id), "iat": int(time.time())}, settings.jwt_secret, algorithm="HS256")


def issue_with_expiry(user_id: int) -> str:
    now = int(time.time())
    return jwt.encode({"sub": str(user_id), "iat": now, "exp": now + 900}, settings.jwt_secret, algorithm="HS256")


def decode(token: str) -> dict:
    return jwt.decode(token, settings.jwt_secret, algorithms=["HS256"])


def decode_unverified_for_logging(token: str) -> dict:
    return jwt.decode(token, settings.jwt_secret, algorithms=["HS256"], options={"verify_exp": False})


def decode_refresh(token: str) -> dict:
    return jose_jwt.decode(token, settings.jwt_secret, options={"verify_signature": False})
