import os

MAILGUN_DOMAIN = "mg.example-news.com"
MAILGUN_API_KEY = "key-288c74aa9f054ffaf9843f9f5b179672"
PG_DSN = os.environ["NEWSLETTER_DSN"]
ADMIN_USER = "editor"
ADMIN_PASSWORD = os.environ.get("NEWSLETTER_ADMIN_PASSWORD")
SENDGRID_FALLBACK_KEY = "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"
