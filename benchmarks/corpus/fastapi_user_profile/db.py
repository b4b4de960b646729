import sqlite3

conn = sqlite3.connect("profiles.db", check_same_thread=False)
profiles = {}


def fetch_profile(user_id):
    row = conn.execute("SELECT id, display_name, bio, email, phone FROM profiles WHERE id = ?", (user_id,)).fetchone()
    return dict(zip(["id", "display_name", "bio", "email", "phone"], row)) if row else None


def update_profile_row(user_id, display_name, bio):
    conn.execute(
        "UPDATE profiles SET display_name = '%s', bio = '%s' WHERE id = %d" % (display_name, bio, user_id)
    )
    conn.commit()
