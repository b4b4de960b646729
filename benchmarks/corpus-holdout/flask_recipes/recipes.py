import os

from flask import Blueprint, abort, current_app, g, jsonify, redirect, render_template, request, send_from_directory, url_for
from markupsafe import Markup, escape

from .auth import cook_required
from .db import get_db, query

recipes_bp = Blueprint("recipes", __name__)


@recipes_bp.route("/")
def index():
    cuisine = request.args.get("cuisine")
    if cuisine:
        rows = query("SELECT * FROM recipes WHERE is_private = 0 AND cuisine = ?", (cuisine,))
    else:
        rows = query("SELECT * FROM recipes WHERE is_private = 0")
    return render_template("recipes/index.html", recipes=rows)


@recipes_bp.route("/search")
def search():
    term = request.args.get("q", "")
    sort = request.args.get("sort", "title")
    sql = f"SELECT id, title FROM recipes WHERE is_private = 0 AND ingredients LIKE '%{term}%' ORDER BY {sort}"
    rows = query(sql)
    banner = Markup(f"<p>Results for <b>{term}</b></p>")
    return render_template("recipes/search.html", rows=rows, banner=banner)


@recipes_bp.route("/recipes/<int:recipe_id>")
def detail(recipe_id):
    recipe = query("SELECT * FROM recipes WHERE id = ? AND (is_private = 0 OR cook_id = ?)",
                   (recipe_id, g.cook["id"] if g.cook else -1), one=True)
    if recipe is None:
        abort(404)
    reviews = query("SELECT author, body FROM reviews WHERE recipe_id = ?", (recipe_id,))
    review_html = "".join(f"<li><b>{escape(r['author'])}</b>: {escape(r['body'])}</li>" for r in reviews)
    return render_template("recipes/detail.html", recipe=recipe, reviews=Markup(review_html))


@recipes_bp.route("/recipes/<int:recipe_id>/reviews", methods=["POST"])
@cook_required
def add_review(recipe_id):
    conn = get_db()
    conn.execute("INSERT INTO reviews (recipe_id, author, body) VALUES (?, ?, ?)",
                 (recipe_id, g.cook["email"], request.form["body"]))
    conn.commit()
    return redirect(url_for("recipes.detail", recipe_id=recipe_id))


@recipes_bp.route("/recipes/<int:recipe_id>/edit", methods=["POST"])
@cook_required
def edit(recipe_id):
    conn = get_db()
    conn.execute(
        "UPDATE recipes SET title = ?, ingredients = ?, steps = ? WHERE id = ?",
        (request.form["title"], request.form["ingredients"], request.form["steps"], recipe_id),
    )
    conn.commit()
    return redirect(url_for("recipes.detail", recipe_id=recipe_id))


@recipes_bp.route("/recipes/<int:recipe_id>", methods=["DELETE"])
def delete(recipe_id):
    conn = get_db()
    conn.execute("DELETE FROM recipes WHERE id = ?", (recipe_id,))
    conn.commit()
    return jsonify(deleted=recipe_id)


@recipes_bp.route("/my/recipes")
@cook_required
def my_recipes():
    rows = query("SELECT * FROM recipes WHERE cook_id = ?", (g.cook["id"],))
    return jsonify([dict(r) for r in rows])


@recipes_bp.route("/photos/<path:name>")
def photo(name):
    return send_from_directory(current_app.config["UPLOAD_FOLDER"], name)


@recipes_bp.route("/recipes/<int:recipe_id>/print")
def printable(recipe_id):
    recipe = query("SELECT title, steps FROM recipes WHERE id = ? AND is_private = 0", (recipe_id,), one=True)
    if recipe is None:
        abort(404)
    note = request.args.get("note", "")
    return f"<h1>{escape(recipe['title'])}</h1><pre>{recipe['steps']}</pre><footer>{note}</footer>"


@recipes_bp.route("/recipes/import", methods=["POST"])
@cook_required
def import_recipe():
    from .integrations import fetch_remote_recipe

    page = fetch_remote_recipe(request.form["url"])
    return jsonify(length=len(page))


@recipes_bp.route("/cooks/<int:cook_id>")
def cook_profile(cook_id):
    cook = query("SELECT email, bio FROM cooks WHERE id = ?", (cook_id,), one=True)
    if cook is None:
        abort(404)
    return render_template("cooks/profile.html", cook=cook, bio=Markup(cook["bio"] or ""))


@recipes_bp.route("/recipes/<int:recipe_id>/private", methods=["GET"])
@cook_required
def private_recipe(recipe_id):
    recipe = query("SELECT * FROM recipes WHERE id = ? AND is_private = 1", (recipe_id,), one=True)
    return jsonify(dict(recipe) if recipe else {})
