import hashlib

from fastapi import Header, HTTPException

from .db import run


def require_user(x_api_key: str = Header(...)) -> dict:
    digest = hashlib.sha256(x_api_key.encode()).hexdigest()
    rows = run("SELECT id, email FROM users WHERE api_key_sha256 = :d", d=digest)
    if not rows:
        raise HTTPException(status_code=401)
    return dict(rows[0])


def password_digest(password: str) -> str:
    return hashlib.sha256(password.encode()).hexdigest()


def register(email: str, password: str) -> None:
    run("INSERT INTO users (email, pw_digest) VALUES (:e, :p)", e=email, p=password_digest(password))
