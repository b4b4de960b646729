import os

SECRET_KEY = os.environ.get("SECRET_KEY", "")
DEBUG = "runserver" in os.sys.argv
ROOT_URLCONF = "forumsite.urls"
INSTALLED_APPS = ["django.contrib.auth", "django.contrib.contenttypes", "django.contrib.sessions", "forum"]
MIDDLEWARE = [
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
]
CSRF_COOKIE_SECURE = False
SESSION_COOKIE_SAMESITE = "Lax"
