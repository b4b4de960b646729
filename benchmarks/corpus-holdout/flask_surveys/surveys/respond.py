from bson import ObjectId
from flask import Blueprint, abort, redirect, render_template, request
from markupsafe import Markup

from .mongo import responses, surveys

respond = Blueprint("respond", __name__)
THANKS_PAGES = {"/", "/thanks", "/surveys"}


@respond.route("/<survey_id>")
def show(survey_id):
    survey = surveys().find_one({"_id": ObjectId(survey_id), "published": True})
    if survey is None:
        abort(404)
    intro = Markup(survey["intro_html"])
    return render_template("survey.html", survey=survey, intro=intro)


@respond.route("/<survey_id>", methods=["POST"])
def submit(survey_id):
    email = request.form.get("email", "")
    responses().insert_one({"survey_id": survey_id, "answer": request.form["answer"], "email": email})
    thanks = request.args.get("thanks", "/")
    if thanks not in THANKS_PAGES:
        thanks = "/"
    return redirect(thanks)


@respond.route("/<survey_id>/done")
def done(survey_id):
    back = request.args.get("back", "https://example.org")
    return redirect(back)


@respond.route("/lookup")
def lookup():
    email = request.args.get("email")
    doc = responses().find_one({"email": email})
    return {"found": doc is not None}


@respond.route("/<survey_id>/embed")
def embed(survey_id):
    color = request.args.get("color", "blue")
    return f'<div class="survey-embed" style="color:{color}" data-id="{survey_id}"></div>'


@respond.route("/lookup.json", methods=["POST"])
def lookup_json():
    doc = responses().find_one({"email": request.json.get("email")})
    return {"found": doc is not None}
