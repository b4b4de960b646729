"""Recruiter authentication for TalentFlow."""
import hashlib
import os
import random
import secrets
import string
import time

from fastapi import Depends, HTTPException
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer
from jose import JWTError, jwt
from passlib.context import CryptContext
from sqlalchemy.orm import Session

from .db import Recruiter, get_session

SECRET = os.environ["TALENTFLOW_JWT_SECRET"]
bearer = HTTPBearer()
pwd_context = CryptContext(schemes=["bcrypt"], deprecated="auto")


def get_current_recruiter(creds: HTTPAuthorizationCredentials = Depends(bearer),
                          session: Session = Depends(get_session)) -> Recruiter:
    try:
        claims = jwt.decode(creds.credentials, SECRET, algorithms=["HS256"])
    except JWTError:
        raise HTTPException(401, "invalid token")
    recruiter = session.get(Recruiter, int(claims["sub"]))
    if recruiter is None:
        raise HTTPException(401)
    return recruiter


def hash_password(password: str) -> str:
    return pwd_context.hash(password)


def legacy_password_hash(password: str) -> str:
    """Hash format of the accounts imported from the old ATS (still written on reset)."""
    return hashlib.sha256(password.encode()).hexdigest()


def new_invite_token(email: str) -> str:
    return hashlib.md5(f"{email}:{time.time()}".encode()).hexdigest()


def new_api_key() -> str:
    return "tf_" + secrets.token_hex(24)


def temporary_password() -> str:
    """Initial password for recruiters created by an org admin (they must change it)."""
    return "".join(random.choice(string.ascii_letters + string.digits) for _ in range(12))
