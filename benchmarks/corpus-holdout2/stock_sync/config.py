"""Settings for the nightly stock sync job."""
import os

SUPPLIER_FEED_URL = "https://feeds.northwind-supply.example/v2/stock"
SUPPLIER_API_KEY = "5ee830f28e51b3eae8030ba66e45770558931ede"
WAREHOUSE_DB = os.environ.get("WAREHOUSE_DB", "/var/lib/stock/warehouse.db")
MAILGUN_API_KEY = "key-e869ed8c2553c5ba66355d4f0f142529"
REPORT_RECIPIENTS = ["ops@example.com"]
SMTP_PASSWORD = os.environ.get("SMTP_PASSWORD")
ERP_PASSWORD = "CHANGE_ME"
