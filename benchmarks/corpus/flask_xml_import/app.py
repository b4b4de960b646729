import xml.dom.minidom
import xml.etree.ElementTree as ET

import defusedxml.ElementTree as DET
from flask import Flask, jsonify, request
from lxml import etree

from .auth import login_required

app = Flask(__name__)


@app.route("/import/products", methods=["POST"])
@login_required
def import_products():
    parser = etree.XMLParser(resolve_entities=True, no_network=False)
    root = etree.fromstring(request.data, parser)
    return jsonify({"count": len(root.findall("product"))})


@app.route("/import/products/v2", methods=["POST"])
@login_required
def import_products_v2():
    root = DET.fromstring(request.data)
    return jsonify({"count": len(root.findall("product"))})


@app.route("/import/feed", methods=["POST"])
@login_required
def import_feed():
    doc = xml.dom.minidom.parseString(request.data)
    return jsonify({"items": len(doc.getElementsByTagName("item"))})


@app.route("/import/orders", methods=["POST"])
@login_required
def import_orders():
    tree = etree.parse(request.files["file"])
    return jsonify({"orders": len(tree.getroot())})


@app.route("/import/sitemap", methods=["POST"])
@login_required
def import_sitemap():
    parser = etree.XMLParser(resolve_entities=False, no_network=True, load_dtd=False)
    root = etree.fromstring(request.data, parser=parser)
    return jsonify({"urls": len(root)})


@app.route("/import/config", methods=["POST"])
@login_required
def import_config():
    root = ET.fromstring(request.data)
    return jsonify({k: v for k, v in root.attrib.items()})


@app.route("/import/legacy", methods=["POST"])
def import_legacy():
    root = DET.fromstring(request.data)
    return jsonify({"tag": root.tag})


@app.route("/import/events", methods=["POST"])
@login_required
def import_events():
    import xml.sax.handler

    parser = xml.sax.make_parser()
    parser.setFeature(xml.sax.handler.feature_external_ges, True)
    parser.setContentHandler(xml.sax.handler.ContentHandler())
    parser.parse(request.files["events"])
    return jsonify({"ok": True})
