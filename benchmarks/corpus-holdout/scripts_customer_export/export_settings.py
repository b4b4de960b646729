import os

AWS_ACCESS_KEY_ID = "AKIA22USJFPDIVESQNBP"
AWS_SECRET_ACCESS_KEY = "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"
EXPORT_BUCKET = os.environ.get("EXPORT_BUCKET", "acme-exports")
DB_HOST = os.environ.get("EXPORT_DB_HOST", "replica.internal")
DB_USER = "exporter"
DB_PASSWORD = os.environ["EXPORT_DB_PASSWORD"]
CACHE_DIR = os.path.expanduser("~/.cache/customer-export")
