import os

SECRET_KEY = os.environ["SECRET_KEY"]
DEBUG = False
ROOT_URLCONF = "core.urls"
INSTALLED_APPS = ["django.contrib.auth", "django.contrib.contenttypes", "rest_framework", "projects"]
REST_FRAMEWORK = {
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticated"],
}
