import os

SECRET_KEY = os.environ["SECRET_KEY"]
DEBUG = os.getenv("DEBUG") == "true"
ALLOWED_HOSTS = ["helpdesk.internal"]
ROOT_URLCONF = "helpdesk.urls"
INSTALLED_APPS = ["django.contrib.auth", "django.contrib.contenttypes", "tickets"]
EMAIL_HOST_PASSWORD = "Ehxtpjb075%"
SESSION_COOKIE_HTTPONLY = False
CSRF_COOKIE_HTTPONLY = True
