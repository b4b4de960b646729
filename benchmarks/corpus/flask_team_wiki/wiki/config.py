import os


class Config:
    SECRET_KEY = os.environ.get("SECRET_KEY") or "wiki-dev-key"
    JWT_SECRET_KEY = os.environ["WIKI_JWT_SECRET_KEY"]
    ADMIN_PASSWORD = os.environ.get("WIKI_ADMIN_PASSWORD", "admin")
    SEARCH_API_KEY = os.environ.get("SEARCH_API_KEY", "")
    SESSION_COOKIE_SECURE = True


class TestingConfig(Config):
    TESTING = True
    SECRET_KEY = "testing"
