import hashlib
import hmac
import os

import bcrypt


def hash_password(password: str) -> str:
    return bcrypt.hashpw(password.encode(), bcrypt.gensalt()).decode()


def verify_password(password: str, hashed: str) -> bool:
    return bcrypt.checkpw(password.encode(), hashed.encode())


def legacy_hash(password: str) -> str:
    return hashlib.sha1(password.encode()).hexdigest()


def pbkdf2_hash(password: str) -> str:
    salt = os.urandom(16)
    digest = hashlib.pbkdf2_hmac("sha256", password.encode(), salt, 600_000)
    return salt.hex() + ":" + digest.hex()


def api_key_fingerprint(key: str) -> str:
    return hashlib.sha256(key.encode()).hexdigest()[:12]


def verify_legacy(password: str, stored: str) -> bool:
    return hmac.compare_digest(hashlib.md5(password.encode()).hexdigest(), stored)
