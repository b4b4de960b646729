import os

from sqlalchemy import create_engine, text

engine = create_engine(os.environ.get("PODCAST_DB", "sqlite:///podcasts.db"))


def podcasts(args, user):
    order = args.get("orderBy", "title")
    with engine.connect() as conn:
        rows = conn.execute(text("SELECT id, title, host FROM podcasts ORDER BY " + order)).mappings().all()
    return [dict(r) for r in rows]


def episodes(args, user):
    with engine.connect() as conn:
        rows = conn.execute(
            text("SELECT id, title, duration FROM episodes WHERE podcast_id = :p LIMIT :n"),
            {"p": int(args["podcastId"]), "n": min(int(args.get("first", 20)), 100)},
        ).mappings().all()
    return [dict(r) for r in rows]


def search(args, user):
    term = args["term"]
    with engine.connect() as conn:
        rows = conn.exec_driver_sql("SELECT id, title FROM episodes WHERE title LIKE '%%%s%%'" % term).all()
    return [list(r) for r in rows]


def playlist(args, user):
    with engine.connect() as conn:
        row = conn.execute(text("SELECT * FROM playlists WHERE id = :id"), {"id": args["id"]}).mappings().first()
    return dict(row) if row else None


def my_playlists(args, user):
    with engine.connect() as conn:
        rows = conn.execute(text("SELECT * FROM playlists WHERE owner = :u"), {"u": user}).mappings().all()
    return [dict(r) for r in rows]


def rename_playlist(args, user):
    with engine.begin() as conn:
        conn.execute(text("UPDATE playlists SET name = :n WHERE id = :id AND owner = :u"), {"n": args["name"], "id": args["id"], "u": user})
    return True


def delete_playlist(args, user):
    with engine.begin() as conn:
        conn.execute(text("DELETE FROM playlists WHERE id = :id"), {"id": args["id"]})
    return True


def stats(args, user):
    expr = args.get("metric", "plays / max(days, 1)")
    with engine.connect() as conn:
        row = conn.execute(text("SELECT SUM(plays) AS plays, COUNT(DISTINCT day) AS days FROM listens")).mappings().first()
    return eval(expr, {"max": max}, dict(row))


def episode_notes(args, user):
    with engine.connect() as conn:
        row = conn.execute(text("SELECT notes FROM listener_notes WHERE id = :id"), {"id": args["noteId"]}).first()
    return row[0] if row else None


def top_hosts(args, user):
    country = args.get("country", "US")
    sql = "SELECT host, COUNT(*) FROM podcasts WHERE country = '{}' GROUP BY host".format(country)
    with engine.connect() as conn:
        return [list(r) for r in conn.execute(text(sql))]


QUERIES = {"podcasts": podcasts, "episodes": episodes, "search": search, "stats": stats, "topHosts": top_hosts}
PRIVATE = {"playlist": playlist, "myPlaylists": my_playlists, "renamePlaylist": rename_playlist, "deletePlaylist": delete_playlist, "episodeNotes": episode_notes}
