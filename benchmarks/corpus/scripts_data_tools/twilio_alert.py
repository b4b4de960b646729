import os

from twilio.rest import Client

TWILIO_SID = "AC" + "3be1c357d26b5483b619f2129af461fd"
TWILIO_AUTH_TOKEN = "56b151c9bb0987b4cf86c23222b6d9ec"
MAILGUN_KEY = "key-d58db99126d8c4a7d7a90523bccf9959"
ALERT_FROM = os.environ.get("ALERT_FROM", "+15550100")


def alert(to, body):
    Client(TWILIO_SID, TWILIO_AUTH_TOKEN).messages.create(to=to, from_=ALERT_FROM, body=body)
