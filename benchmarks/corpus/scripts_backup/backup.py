#!/usr/bin/env python3
"""Back up the production database and upload it to the backup host."""
import os
import shlex
import subprocess
import sys
import tarfile

import paramiko
import requests

BACKUP_HOST = "backup.internal"
BACKUP_USER = "backup"
BACKUP_PASSWORD = "Niclqvp501#"
SLACK_WEBHOOK = "https://hooks.slack.com/services/T0000/B0000/" + os.environ.get("SLACK_HOOK_ID", "")


def dump(database):
    out = f"/tmp/{database}.sql"
    os.system("pg_dump %s > %s" % (database, out))
    return out


def dump_quoted(database):
    out = f"/tmp/{database}.sql"
    subprocess.run(f"pg_dump {shlex.quote(database)} > {shlex.quote(out)}", shell=True, check=True)
    return out


def compress(path):
    archive = path + ".tar.gz"
    with tarfile.open(archive, "w:gz") as tar:
        tar.add(path, arcname=os.path.basename(path))
    return archive


def restore(archive, dest):
    with tarfile.open(archive) as tar:
        tar.extractall(dest)


def restore_safe(archive, dest):
    with tarfile.open(archive) as tar:
        tar.extractall(dest, filter="data")


def upload(path):
    client = paramiko.SSHClient()
    client.set_missing_host_key_policy(paramiko.AutoAddPolicy())
    client.connect(BACKUP_HOST, username=BACKUP_USER, password=BACKUP_PASSWORD)
    sftp = client.open_sftp()
    sftp.put(path, "/backups/" + os.path.basename(path))
    client.close()


def notify(msg):
    requests.post(SLACK_WEBHOOK, json={"text": msg}, timeout=10)


def main():
    database = sys.argv[1]
    archive = compress(dump(database))
    upload(archive)
    notify(f"backup of {database} done")


if __name__ == "__main__":
    main()
