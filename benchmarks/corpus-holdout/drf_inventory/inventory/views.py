import base64
import pickle

from django.db import connection
from django.http import HttpResponse
from django.shortcuts import get_object_or_404
from django.utils.html import escape
from lxml import etree
from rest_framework import permissions, serializers, viewsets
from rest_framework.decorators import api_view, permission_classes
from rest_framework.parsers import JSONParser
from rest_framework.response import Response
from rest_framework.views import APIView

from .models import Item, Supplier, Warehouse


class ItemSerializer(serializers.ModelSerializer):
    class Meta:
        model = Item
        fields = ["id", "sku", "name", "quantity", "warehouse", "supplier"]


class ItemViewSet(viewsets.ModelViewSet):
    serializer_class = ItemSerializer

    def get_queryset(self):
        return Item.objects.filter(warehouse__manager=self.request.user)


class WarehouseViewSet(viewsets.ReadOnlyModelViewSet):
    queryset = Warehouse.objects.all()
    serializer_class = serializers.Serializer


class SupplierViewSet(viewsets.ModelViewSet):
    permission_classes = [permissions.AllowAny]
    queryset = Supplier.objects.all()
    serializer_class = serializers.Serializer


class StockReport(APIView):
    def get(self, request):
        sku_prefix = request.query_params.get("prefix", "")
        with connection.cursor() as cur:
            cur.execute("SELECT sku, quantity FROM inventory_item WHERE sku LIKE %s", [sku_prefix + "%"])
            low = cur.fetchall()
            threshold = request.query_params.get("below", "5")
            cur.execute("SELECT sku FROM inventory_item WHERE quantity < " + threshold)
            critical = cur.fetchall()
        return Response({"low": low, "critical": critical})


@api_view(["POST"])
@permission_classes([permissions.IsAdminUser])
def import_xml(request):
    parser = etree.XMLParser(resolve_entities=True, no_network=False)
    doc = etree.fromstring(request.body, parser)
    for node in doc.iter("item"):
        Item.objects.filter(sku=node.get("sku")).update(quantity=int(node.get("qty")))
    return Response({"ok": True})


class SnapshotImport(APIView):
    parser_classes = [JSONParser]

    def post(self, request):
        snapshot = pickle.loads(base64.b64decode(request.data["snapshot"]))
        return Response({"items": len(snapshot)})


@api_view(["GET"])
@permission_classes([permissions.AllowAny])
def availability(request):
    sku = request.query_params.get("sku", "")
    items = Item.objects.raw("SELECT id, sku, quantity FROM inventory_item WHERE sku = %s", [sku])
    return Response({"in_stock": any(i.quantity > 0 for i in items)})


@api_view(["GET"])
def label_html(request, item_id):
    item = get_object_or_404(Item, pk=item_id)
    note = request.query_params.get("note", "")
    html = f"<div class='label'><b>{escape(item.sku)}</b> {escape(item.name)}<br>{note}</div>"
    return HttpResponse(html)


class MovementSerializer(serializers.Serializer):
    item = serializers.IntegerField()
    delta = serializers.IntegerField()


@api_view(["POST"])
@permission_classes([permissions.AllowAny])
def adjust_stock(request):
    item = Item.objects.get(pk=request.data["item"])
    item.quantity += int(request.data["delta"])
    item.save()
    return Response({"quantity": item.quantity})


class SupplierSearch(APIView):
    def get(self, request):
        name = request.query_params.get("name", "")
        suppliers = Supplier.objects.raw("SELECT * FROM inventory_supplier WHERE name LIKE '%%" + name + "%%'")
        return Response([s.name for s in suppliers])


class SupplierWebhookTest(APIView):
    def post(self, request):
        import requests

        resp = requests.post(request.data["callback_url"], json={"ping": True}, timeout=5)
        return Response({"status": resp.status_code})


@api_view(["POST"])
@permission_classes([permissions.IsAdminUser])
def import_xml_safe(request):
    from defusedxml.ElementTree import fromstring

    doc = fromstring(request.body)
    return Response({"items": len(doc.findall("item"))})
