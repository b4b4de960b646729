import os
import random
import subprocess

from slack_bolt import App
from slack_bolt.adapter.socket_mode import SocketModeHandler

SLACK_BOT_TOKEN = "xoxb-110578732116-1865758935703-pZWyFrtPkfUWAVgHxDdmILrm"
SLACK_APP_TOKEN = os.environ["SLACK_APP_TOKEN"]
OPENAI_API_KEY = "sk-proj-UUSQDN1g5Fd0T38g37c5DdAoxmK4X7C5bJaXBkEXU6hAjYRD"

app = App(token=SLACK_BOT_TOKEN)
GREETINGS = ["hi", "hello", "hey there"]


@app.message("hello")
def say_hello(message, say):
    say(f"{random.choice(GREETINGS)} <@{message['user']}>!")


@app.command("/dig")
def dig(ack, command, respond):
    ack()
    host = command["text"]
    out = subprocess.run(f"dig +short {host}", shell=True, capture_output=True, text=True)
    respond(out.stdout or "no answer")


@app.command("/ping")
def ping(ack, command, respond):
    ack()
    out = subprocess.run(["ping", "-c", "1", "--", command["text"]], capture_output=True, text=True)
    respond(out.stdout)


@app.command("/deploy")
def deploy(ack, command, respond):
    ack()
    branch = command["text"].strip()
    subprocess.Popen("git fetch && git checkout " + branch + " && make deploy", shell=True)
    respond(f"deploying {branch}")


@app.command("/raffle")
def raffle(ack, command, respond):
    ack()
    users = command["text"].split()
    random.shuffle(users)
    respond("winner: " + users[0])


@app.command("/temp-password")
def temp_password(ack, respond):
    ack()
    password = "".join(random.choice("abcdefghjkmnpqrstuvwxyz23456789") for _ in range(10))
    respond(f"your temporary password: {password}")


if __name__ == "__main__":
    SocketModeHandler(app, SLACK_APP_TOKEN).start()
