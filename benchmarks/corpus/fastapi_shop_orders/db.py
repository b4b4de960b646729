import sqlite3

conn = sqlite3.connect("shop.db", check_same_thread=False)
