import functools
import json

from bson import ObjectId
from flask import Blueprint, abort, jsonify, redirect, render_template, request, session, url_for

from .mongo import responses, surveys

builder = Blueprint("builder", __name__)


def requires_login(fn):
    @functools.wraps(fn)
    def inner(*args, **kwargs):
        if "author_id" not in session:
            return redirect(url_for("builder.login"))
        return fn(*args, **kwargs)

    return inner


@builder.route("/login", methods=["GET", "POST"])
def login():
    if request.method == "POST":
        session["author_id"] = request.form["author_id"]
        return redirect(url_for("builder.dashboard"))
    return render_template("login.html")


@builder.route("/")
@requires_login
def dashboard():
    mine = surveys().find({"author_id": session["author_id"]})
    return render_template("dashboard.html", surveys=list(mine))


@builder.route("/<survey_id>/results")
@requires_login
def results(survey_id):
    survey = surveys().find_one({"_id": ObjectId(survey_id)})
    if survey is None:
        abort(404)
    answers = list(responses().find({"survey_id": survey_id}))
    return render_template("results.html", survey=survey, answers=answers)


@builder.route("/<survey_id>/filter", methods=["POST"])
@requires_login
def filter_responses(survey_id):
    criteria = json.loads(request.data)
    survey = surveys().find_one({"_id": ObjectId(survey_id), "author_id": session["author_id"]})
    if survey is None:
        abort(404)
    found = responses().find({"survey_id": survey_id, **criteria})
    return jsonify([{**r, "_id": str(r["_id"])} for r in found])


@builder.route("/<survey_id>/search")
@requires_login
def search_answers(survey_id):
    survey = surveys().find_one({"_id": ObjectId(survey_id), "author_id": session["author_id"]})
    if survey is None:
        abort(404)
    text = request.args.get("text", "")
    hits = responses().find({"survey_id": survey_id, "$where": f"this.answer.indexOf('{text}') >= 0"})
    return jsonify(count=len(list(hits)))


@builder.route("/<survey_id>", methods=["DELETE"])
@requires_login
def delete_survey(survey_id):
    surveys().delete_one({"_id": ObjectId(survey_id)})
    return jsonify(deleted=survey_id)


@builder.route("/<survey_id>/export")
def export(survey_id):
    rows = responses().find({"survey_id": survey_id}, {"_id": 0})
    return jsonify(list(rows))


@builder.route("/<survey_id>/publish", methods=["POST"])
@requires_login
def publish(survey_id):
    surveys().update_one({"_id": ObjectId(survey_id)}, {"$set": {"published": True}})
    return jsonify(published=True)


@builder.route("/<survey_id>/preview")
@requires_login
def preview(survey_id):
    survey = surveys().find_one({"_id": ObjectId(survey_id), "author_id": session["author_id"]})
    title = request.args.get("title") or survey["title"]
    return f"<h1>{title}</h1>" + survey["intro_html"]
