import io
import json
import marshal
import os
import pickle

import joblib
import numpy as np
import torch
import yaml
from flask import Flask, abort, jsonify, request

from .auth import require_api_key

app = Flask(__name__)
MODEL_DIR = "/srv/models"
HF_TOKEN = "hf_" + "5NIHAHgYJZjpEKtnY9KqpobOHlZ4m4is"


@app.route("/predict", methods=["POST"])
@require_api_key
def predict():
    features = np.array(json.loads(request.data)["features"])
    model = joblib.load(os.path.join(MODEL_DIR, "model.joblib"))
    return jsonify({"prediction": model.predict([features]).tolist()})


@app.route("/models", methods=["POST"])
@require_api_key
def upload_model():
    model = pickle.load(request.files["model"].stream)
    return jsonify({"type": type(model).__name__})


@app.route("/models/torch", methods=["POST"])
@require_api_key
def upload_torch():
    state = torch.load(io.BytesIO(request.files["weights"].read()))
    return jsonify({"keys": list(state)[:5]})


@app.route("/models/torch/safe", methods=["POST"])
@require_api_key
def upload_torch_safe():
    state = torch.load(io.BytesIO(request.files["weights"].read()), weights_only=True)
    return jsonify({"keys": list(state)[:5]})


@app.route("/pipelines", methods=["POST"])
@require_api_key
def pipeline():
    spec = yaml.unsafe_load(request.data)
    return jsonify({"steps": len(spec["steps"])})


@app.route("/code-cache", methods=["POST"])
@require_api_key
def code_cache():
    code = marshal.loads(request.data)
    return jsonify({"name": code.co_name})


@app.route("/session-state", methods=["POST"])
def session_state():
    blob = request.cookies.get("state")
    if not blob:
        abort(400)
    state = pickle.loads(bytes.fromhex(blob))
    return jsonify({"step": state.get("step")})


@app.route("/debug/eval", methods=["POST"])
def debug_eval():
    return jsonify({"result": repr(eval(request.json["expr"], {"np": np}))})


if __name__ == "__main__":
    app.run(debug=os.environ.get("FLASK_DEBUG") == "1")
