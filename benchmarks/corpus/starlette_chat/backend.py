from starlette.authentication import AuthCredentials, AuthenticationBackend, SimpleUser


class SessionAuthBackend(AuthenticationBackend):
    async def authenticate(self, conn):
        username = conn.session.get("username")
        if not username:
            return None
        return AuthCredentials(["authenticated"]), SimpleUser(username)
