import os

import bleach
import markdown
from flask import Flask, Response, g, jsonify, make_response, render_template, request
from markupsafe import Markup, escape

from .auth import author_required, load_user
from .db import query

app = Flask(__name__)
app.secret_key = os.environ["BLOG_SECRET"]
app.before_request(load_user)
ALLOWED_TAGS = ["p", "a", "em", "strong", "ul", "li", "code", "pre"]


@app.route("/posts/<slug>")
def show_post(slug):
    post = query("SELECT title, body FROM posts WHERE slug = ?", (slug,), one=True)
    body = Markup(markdown.markdown(post["body"]))
    return render_template("post.html", title=post["title"], body=body)


@app.route("/posts/<slug>/clean")
def show_post_clean(slug):
    post = query("SELECT title, body FROM posts WHERE slug = ?", (slug,), one=True)
    body = Markup(bleach.clean(markdown.markdown(post["body"]), tags=ALLOWED_TAGS))
    return render_template("post.html", title=post["title"], body=body)


@app.route("/tag/<tag>")
def by_tag(tag):
    posts = query(f"SELECT slug, title FROM posts WHERE tags LIKE '%{tag}%'")
    items = "".join(f'<li><a href="/posts/{p["slug"]}">{p["title"]}</a></li>' for p in posts)
    return f"<h1>Posts tagged {tag}</h1><ul>{items}</ul>"


@app.route("/author/<name>")
def by_author(name):
    posts = query("SELECT slug, title FROM posts WHERE author = ?", (name,))
    items = "".join(f"<li>{escape(p['title'])}</li>" for p in posts)
    return f"<h1>{escape(name)}</h1><ul>{items}</ul>"


@app.route("/comments", methods=["POST"])
def add_comment():
    text = request.form["text"]
    query("INSERT INTO comments (post_id, text) VALUES (?, ?)", (request.form["post_id"], text))
    resp = make_response("<div class='comment'>" + text + "</div>")
    return resp


@app.route("/api/comments")
def comments_api():
    rows = query("SELECT id, text FROM comments ORDER BY id DESC LIMIT 20")
    return jsonify([dict(r) for r in rows])


@app.route("/rss")
def rss():
    title = request.args.get("title", "My blog")
    xml = f"<?xml version='1.0'?><rss><channel><title>{title}</title></channel></rss>"
    return Response(xml, mimetype="text/html")


@app.route("/admin/posts/<int:post_id>", methods=["POST"])
@author_required
def edit_post(post_id):
    post = query("SELECT id, author_id FROM posts WHERE id = ?", (post_id,), one=True)
    query("UPDATE posts SET body = ? WHERE id = ?", (request.form["body"], post["id"]))
    return "saved"


@app.route("/admin/posts/<int:post_id>/publish", methods=["POST"])
def publish_post(post_id):
    query("UPDATE posts SET published = 1 WHERE id = ?", (post_id,))
    return "published"


@app.route("/admin/stats")
def stats():
    return jsonify(query("SELECT author, COUNT(*) AS n FROM posts GROUP BY author"))
