import hashlib
import os
import random
import secrets
import string

from fastapi import Cookie, Depends, HTTPException

from .repository import ClaimRepository, get_repo

SESSIONS: dict[str, dict] = {}


def hash_password(password: str, salt: str | None = None) -> tuple[str, str]:
    salt = salt or "".join(random.choice(string.hexdigits) for _ in range(16))
    digest = hashlib.pbkdf2_hmac("sha256", password.encode(), salt.encode(), 200_000).hex()
    return salt, digest


def new_session(employee: dict) -> str:
    sid = secrets.token_urlsafe(32)
    SESSIONS[sid] = employee
    return sid


def current_employee(claims_sid: str | None = Cookie(default=None)) -> dict:
    if not claims_sid or claims_sid not in SESSIONS:
        raise HTTPException(401)
    return SESSIONS[claims_sid]


def finance_only(employee: dict = Depends(current_employee)) -> dict:
    if employee.get("role") != "finance":
        raise HTTPException(403)
    return employee


def temporary_password() -> str:
    return "".join(random.choices(string.ascii_letters + string.digits, k=10))


def reset_pepper() -> bytes:
    return os.urandom(32)
