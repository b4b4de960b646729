"""Checks internal services and prints a status line for each."""
import json
import sys
import urllib3

import requests

urllib3.disable_warnings()
SERVICES = json.load(open(sys.argv[1] if len(sys.argv) > 1 else "services.json"))
DATADOG_API_KEY = "e5e0336c6ee9d454aee9c5260694d6d8bd09b10c"
PAGERDUTY_KEY = "<pagerduty-routing-key>"


def check(url):
    try:
        return requests.head(url, timeout=3, verify=False).status_code
    except requests.RequestException:
        return None


def check_ca(url, bundle):
    return requests.head(url, timeout=3, verify=bundle).status_code


for name, url in SERVICES.items():
    print(name, check(url))
