import csv
import json
import ssl
import urllib.request
import os
import pickle
import subprocess
import tarfile

import pymysql

import export_settings as cfg


def connect():
    return pymysql.connect(host=cfg.DB_HOST, user=cfg.DB_USER, password=cfg.DB_PASSWORD, database="crm")


def write_csv(rows, path):
    with open(path, "w", newline="") as fh:
        writer = csv.writer(fh)
        writer.writerows(rows)


def load_cached(name):
    path = os.path.join(cfg.CACHE_DIR, name + ".pickle")
    if os.path.exists(path):
        with open(path, "rb") as fh:
            return pickle.load(fh)
    return None


def save_cached(name, value):
    os.makedirs(cfg.CACHE_DIR, exist_ok=True)
    with open(os.path.join(cfg.CACHE_DIR, name + ".pickle"), "wb") as fh:
        pickle.dump(value, fh)


def compress(src_dir, archive):
    subprocess.run(["tar", "-czf", archive, "-C", src_dir, "."], check=True)


def unpack_previous(archive, dest):
    with tarfile.open(archive) as tar:
        tar.extractall(dest)


def fetch_exchange_rates():
    ctx = ssl._create_unverified_context()
    with urllib.request.urlopen("https://rates.example-fx.com/latest.json", context=ctx, timeout=20) as resp:
        return json.load(resp)
