import ast
import operator

from flask import Flask, jsonify, request
from jinja2 import Environment, Template
from jinja2.sandbox import SandboxedEnvironment

from .auth import requires_auth

app = Flask(__name__)
OPS = {ast.Add: operator.add, ast.Sub: operator.sub, ast.Mult: operator.mul, ast.Div: operator.truediv}


@app.route("/calc")
@requires_auth
def calc():
    expr = request.args.get("expr", "0")
    return jsonify({"result": eval(expr)})


@app.route("/calc/v2")
@requires_auth
def calc_v2():
    expr = request.args.get("expr", "0")
    return jsonify({"result": _safe_eval(ast.parse(expr, mode="eval").body)})


def _safe_eval(node):
    if isinstance(node, ast.Constant) and isinstance(node.value, (int, float)):
        return node.value
    if isinstance(node, ast.BinOp) and type(node.op) in OPS:
        return OPS[type(node.op)](_safe_eval(node.left), _safe_eval(node.right))
    raise ValueError("unsupported expression")


@app.route("/filters", methods=["POST"])
@requires_auth
def filters():
    raw = request.json["filter"]
    value = ast.literal_eval(raw)
    return jsonify({"filter": value})


@app.route("/report", methods=["POST"])
@requires_auth
def report():
    body = request.json["template"]
    html = Template(body).render(rows=[1, 2, 3])
    return html


@app.route("/report/sandboxed", methods=["POST"])
@requires_auth
def report_sandboxed():
    env = SandboxedEnvironment(autoescape=True)
    return env.from_string(request.json["template"]).render(rows=[1, 2, 3])


@app.route("/columns", methods=["POST"])
@requires_auth
def computed_columns():
    code = request.json["formula"]
    namespace = {"rows": [1, 2, 3]}
    exec(f"result = {code}", namespace)
    return jsonify({"result": namespace["result"]})


@app.route("/email-preview", methods=["POST"])
@requires_auth
def email_preview():
    env = Environment(autoescape=False)
    tpl = env.get_template("email.html")
    return tpl.render(name=request.json["name"], message=request.json["message"])


@app.route("/plugins/run", methods=["POST"])
@requires_auth
def run_plugin():
    module = request.json["module"]
    plugin = __import__(module)
    return jsonify({"plugin": plugin.__name__})
