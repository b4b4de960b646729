from pathlib import Path

BASE_DIR = Path(__file__).resolve().parent.parent

SECRET_KEY = "django-insecure-b$6cy#sd^y^h$kjbvuw4gj0f#kt6#0f9aho5q6y!x!g5utjx(="
DEBUG = True
ALLOWED_HOSTS = ["grades.school.example", "localhost"]

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "grades",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
]

ROOT_URLCONF = "portal.urls"
LOGIN_URL = "/accounts/login/"

DB_PASSWORD = "Csjwxgn040$"

DATABASES = {
    "default": {
        "ENGINE": "django.db.backends.postgresql",
        "NAME": "grades",
        "USER": "grades_app",
        "PASSWORD": DB_PASSWORD,
        "HOST": "db.internal",
    }
}

SESSION_COOKIE_SECURE = True
SESSION_COOKIE_HTTPONLY = True
CSRF_COOKIE_SECURE = True
PASSWORD_HASHERS = ["django.contrib.auth.hashers.PBKDF2PasswordHasher"]

EMAIL_HOST = "smtp.sendgrid.net"
EMAIL_HOST_USER = "apikey"
EMAIL_HOST_PASSWORD = "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"
