"""Emails the daily sales report as CSV."""
import csv
import io
import os
import smtplib
import ssl
from email.message import EmailMessage

SMTP_HOST = "smtp.example.com"
SMTP_USER = "reports@example.com"
SMTP_PASSWORD = os.environ["SMTP_PASSWORD"]
SENDGRID_KEY = "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"


def send(rows, to):
    buf = io.StringIO()
    csv.writer(buf).writerows(rows)
    msg = EmailMessage()
    msg["Subject"] = "Daily sales"
    msg["From"] = SMTP_USER
    msg["To"] = to
    msg.add_attachment(buf.getvalue(), filename="sales.csv")
    context = ssl._create_unverified_context()
    with smtplib.SMTP(SMTP_HOST, 587) as smtp:
        smtp.starttls(context=context)
        smtp.login(SMTP_USER, SMTP_PASSWORD)
        smtp.send_message(msg)


def send_secure(rows, to):
    context = ssl.create_default_context()
    with smtplib.SMTP_SSL(SMTP_HOST, 465, context=context) as smtp:
        smtp.login(SMTP_USER, SMTP_PASSWORD)
        smtp.sendmail(SMTP_USER, [to], "\n".join(",".join(map(str, r)) for r in rows))
