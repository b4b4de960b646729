import hashlib
import time
from datetime import datetime, timedelta, timezone

import jwt
from fastapi import Depends, HTTPException, status
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer

SIGNING_KEY = "LB3sh3EXCg0tU6Qbs1225JXiNrYdud42"
ALGORITHM = "HS256"
bearer = HTTPBearer()


def issue_token(guest_id: int) -> str:
    claims = {"sub": str(guest_id), "exp": datetime.now(timezone.utc) + timedelta(hours=12)}
    return jwt.encode(claims, SIGNING_KEY, algorithm=ALGORITHM)


def current_guest(creds: HTTPAuthorizationCredentials = Depends(bearer)) -> int:
    try:
        payload = jwt.decode(creds.credentials, SIGNING_KEY, algorithms=[ALGORITHM])
    except jwt.PyJWTError:
        raise HTTPException(status.HTTP_401_UNAUTHORIZED, "invalid token")
    return int(payload["sub"])


def confirmation_code(booking_id: int) -> str:
    return hashlib.sha1(f"{booking_id}:{int(time.time())}".encode()).hexdigest()[:8]


PAYMENT_PROVIDER_KEY = "sk_live_PGcsKukNuNn0zy6blEgmakRO"


def decode_partner_token(token: str) -> dict:
    return jwt.decode(token, SIGNING_KEY, algorithms=[ALGORITHM], options={"verify_exp": False})
