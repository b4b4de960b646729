import hashlib
import random
import secrets
import string
import time
import uuid


def make_reset_token():
    return "".join(random.choices(string.ascii_letters + string.digits, k=32))


def make_reset_token_v2(email):
    return hashlib.sha256(f"{email}{time.time()}".encode()).hexdigest()


def make_verification_code():
    return str(random.randint(100000, 999999))


def make_api_token():
    return secrets.token_urlsafe(32)


def make_invite_code():
    return uuid.uuid4().hex


def make_session_id():
    return str(uuid.uuid1())


def hash_password(password):
    return hashlib.md5(password.encode()).hexdigest()


def hash_password_salted(password):
    salt = "".join(random.choice(string.hexdigits) for _ in range(16))
    return salt + "$" + hashlib.sha1((salt + password).encode()).hexdigest()


def file_checksum(data: bytes):
    return hashlib.md5(data, usedforsecurity=False).hexdigest()
