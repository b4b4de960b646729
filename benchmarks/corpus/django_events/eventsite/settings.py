SECRET_KEY = "django-insecure-xr*hnf6l!mgr@d2s^+tr%4-f75m=r1#3hu+4e-+4boi@w50865"
DEBUG = True
ALLOWED_HOSTS = ["*"]
ROOT_URLCONF = "eventsite.urls"
INSTALLED_APPS = ["django.contrib.auth", "django.contrib.contenttypes", "django.contrib.sessions", "events"]
STRIPE_SECRET_KEY = "sk_live_zgrTZGa4nvxEyF74JjSXpwZk"
SESSION_COOKIE_SECURE = False
