"""Django settings for the CourseHub project."""
import os
from pathlib import Path

BASE_DIR = Path(__file__).resolve().parent

SECRET_KEY = "django-insecure-lnw35t4!kj7w-g*(kqm3pm$po+oo-%*^1!8ckeiou0lj7b@-%4"
DEBUG = True
ALLOWED_HOSTS = ["coursehub.example.com", "localhost"]

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "courses",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
]

ROOT_URLCONF = "urls"

DATABASES = {
    "default": {
        "ENGINE": "django.db.backends.postgresql",
        "NAME": "coursehub",
        "USER": "coursehub",
        "PASSWORD": os.environ.get("COURSEHUB_DB_PASSWORD", ""),
        "HOST": os.environ.get("COURSEHUB_DB_HOST", "localhost"),
    }
}

EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
EMAIL_HOST = "smtp.sendgrid.net"
EMAIL_HOST_USER = "apikey"
EMAIL_HOST_PASSWORD = "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"

LOGIN_URL = "/accounts/login/"
STATIC_URL = "/static/"
