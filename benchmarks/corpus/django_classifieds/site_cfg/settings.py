SECRET_KEY = "django-insecure-89&^hx61oi7ycn8pn!-cmvwvjm1pmacxh8%k6jh@nj)jtyrqfi"
DEBUG = True
ALLOWED_HOSTS = ["*"]
ROOT_URLCONF = "site_cfg.urls"
INSTALLED_APPS = ["django.contrib.auth", "django.contrib.contenttypes", "django.contrib.sessions", "ads"]
MIDDLEWARE = [
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
]
AWS_STORAGE_BUCKET_NAME = "classifieds-media"
AWS_S3_ACCESS_KEY_ID = "AKIANVV6XT6GGXA3ZV46"
AWS_S3_SECRET_ACCESS_KEY = "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"
