from flask import Blueprint, request, session

admin = Blueprint("admin", __name__)


@admin.route("/entries/<int:entry_id>/delete", methods=["POST"])
def delete_entry(entry_id):
    from .app import conn

    c = conn()
    c.execute("DELETE FROM entries WHERE id = ?", (entry_id,))
    c.commit()
    return "deleted"


@admin.route("/banner", methods=["POST"])
def set_banner():
    banner = request.form["html"]
    with open("banner.html", "w") as fh:
        fh.write(banner)
    return "<div>" + banner + "</div>"


@admin.route("/whoami")
def whoami():
    return {"user": session.get("user")}
