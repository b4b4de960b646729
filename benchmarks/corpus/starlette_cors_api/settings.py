import os

ORIGINS = os.environ.get("CORS_ORIGINS", "https://app.example.com").split(",")
ADMIN_ORIGIN_REGEX = os.environ.get("ADMIN_ORIGIN_REGEX", r"https://admin\.example\.com")
