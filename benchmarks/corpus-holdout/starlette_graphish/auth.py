import os

import jwt
from starlette.authentication import AuthCredentials, AuthenticationBackend, AuthenticationError, SimpleUser

API_JWT_KEY = os.environ.get("PODCAST_JWT_KEY", "")


class BearerBackend(AuthenticationBackend):
    async def authenticate(self, conn):
        header = conn.headers.get("Authorization", "")
        if not header.startswith("Bearer "):
            return None
        try:
            claims = jwt.decode(header[7:], API_JWT_KEY, algorithms=["HS256", "none"])
        except jwt.PyJWTError as exc:
            raise AuthenticationError("bad token") from exc
        return AuthCredentials(["authenticated"]), SimpleUser(claims["sub"])
