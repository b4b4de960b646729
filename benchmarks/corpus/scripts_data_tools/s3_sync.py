"""Sync a local folder to S3."""
import os
import sys

import boto3

s3 = boto3.client(
    "s3",
    aws_access_key_id="AKIAZO3ZODIVDRVFV4TW",
    aws_secret_access_key="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",
)
session_b = boto3.session.Session(
    aws_access_key_id=os.environ.get("AWS_ACCESS_KEY_ID"),
    aws_secret_access_key=os.environ.get("AWS_SECRET_ACCESS_KEY"),
)
EXAMPLE_DOC_KEY = "AKIAXXXXXXXXXXXXXXXX"


def sync(folder, bucket):
    for root, _, files in os.walk(folder):
        for name in files:
            path = os.path.join(root, name)
            s3.upload_file(path, bucket, os.path.relpath(path, folder))


if __name__ == "__main__":
    sync(sys.argv[1], sys.argv[2])
