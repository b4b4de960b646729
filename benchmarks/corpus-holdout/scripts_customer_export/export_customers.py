"""Nightly customer export: dump customers of a region to CSV and upload to S3.

Usage: python export_customers.py REGION [--since YYYY-MM-DD] [--out DIR]
"""
import argparse
import os
import subprocess
import sys
from datetime import date

import boto3

import export_settings as cfg
from export_helpers import compress, connect, load_cached, save_cached, unpack_previous, write_csv


def parse_args(argv):
    parser = argparse.ArgumentParser()
    parser.add_argument("region")
    parser.add_argument("--since", default="1970-01-01")
    parser.add_argument("--out", default="exports")
    parser.add_argument("--table", default="customers")
    parser.add_argument("--previous")
    return parser.parse_args(argv)


def fetch_customers(conn, region, since):
    with conn.cursor() as cur:
        cur.execute("SELECT id, name, email, created FROM customers WHERE region = %s AND created >= %s", (region, since))
        return cur.fetchall()


def fetch_table(conn, table, region):
    with conn.cursor() as cur:
        cur.execute(f"SELECT * FROM {table} WHERE region = '{region}'")
        return cur.fetchall()


def main(argv=None):
    args = parse_args(argv or sys.argv[1:])
    os.makedirs(args.out, exist_ok=True)
    conn = connect()
    rows = load_cached(f"{args.region}-{args.since}") or fetch_customers(conn, args.region, args.since)
    save_cached(f"{args.region}-{args.since}", rows)
    out_file = os.path.join(args.out, f"{args.region}-{date.today()}.csv")
    write_csv(rows, out_file)
    if args.table != "customers":
        write_csv(fetch_table(conn, args.table, args.region), os.path.join(args.out, f"{args.table}.csv"))
    if args.previous:
        unpack_previous(args.previous, args.out)
    os.system("gzip -f " + out_file)
    subprocess.run(["mysqldump", "--where", f"region='{args.region}'", "crm", "customers"], stdout=open(os.path.join(args.out, "dump.sql"), "w"), check=True)
    archive = args.out.rstrip("/") + ".tar.gz"
    compress(args.out, archive)
    s3 = boto3.client("s3", aws_access_key_id=cfg.AWS_ACCESS_KEY_ID, aws_secret_access_key=cfg.AWS_SECRET_ACCESS_KEY)
    s3.upload_file(archive, cfg.EXPORT_BUCKET, os.path.basename(archive))
    print(f"exported {len(rows)} customers")


if __name__ == "__main__":
    main()
