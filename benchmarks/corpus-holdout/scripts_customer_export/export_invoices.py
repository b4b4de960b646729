"""Ad-hoc invoice export for finance.

Usage: python export_invoices.py CUSTOMER_ID [STATUS]
"""
import json
import subprocess
import sys

import psycopg2

BILLING_DSN = "host=billing-db.internal dbname=billing user=finance password=Ybsjlai346!"
WEBHOOK_URL = "https://hooks.slack.com/services/T000/B000/placeholder"


def main():
    customer_id = sys.argv[1]
    status = sys.argv[2] if len(sys.argv) > 2 else "paid"
    conn = psycopg2.connect(BILLING_DSN)
    cur = conn.cursor()
    cur.execute("SELECT id, total, issued FROM invoices WHERE customer_id = " + customer_id + " AND status = '" + status + "'")
    rows = cur.fetchall()
    cur.execute("SELECT name FROM customers WHERE id = %s", (customer_id,))
    name = cur.fetchone()[0]
    out = f"invoices-{customer_id}.json"
    with open(out, "w") as fh:
        json.dump({"customer": name, "invoices": [[r[0], float(r[1]), r[2].isoformat()] for r in rows]}, fh)
    subprocess.call(f"gpg --encrypt --recipient finance@example.com {out}", shell=True)
    print(f"wrote {len(rows)} invoices for {name}")


if __name__ == "__main__":
    main()
