import os

SECRET_KEY = os.environ["STOCKROOM_SECRET_KEY"]
DEBUG = os.environ.get("STOCKROOM_DEBUG") == "1"
ALLOWED_HOSTS = ["inventory.example-corp.com"]

INSTALLED_APPS = [
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "rest_framework",
    "corsheaders",
    "inventory",
]

MIDDLEWARE = [
    "corsheaders.middleware.CorsMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
]

ROOT_URLCONF = "stockroom.urls"

REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "rest_framework.authentication.SessionAuthentication",
        "rest_framework.authentication.TokenAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticated"],
}

CORS_ALLOWED_ORIGINS = ["https://warehouse.example-corp.com"]
CORS_ALLOW_CREDENTIALS = True
SESSION_COOKIE_SECURE = False
CSRF_COOKIE_HTTPONLY = True

SUPPLIER_API_KEY = "sk_live_vw1mKNV6zqmEH7fVYLnKFbCO"
GOOGLE_MAPS_KEY = "AIza-X-tL-xX9WE1LxgwbqxCpiuro0Ox64d4aNN"
