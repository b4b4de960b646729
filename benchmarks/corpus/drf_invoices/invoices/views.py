from django.db import connection
from django.http import FileResponse, Http404
from rest_framework import permissions, viewsets
from rest_framework.decorators import api_view, permission_classes
from rest_framework.response import Response
from rest_framework.views import APIView

from .models import Customer, Invoice
from .serializers import CustomerSerializer, InvoiceSerializer


class InvoiceViewSet(viewsets.ModelViewSet):
    serializer_class = InvoiceSerializer
    permission_classes = [permissions.IsAuthenticated]

    def get_queryset(self):
        return Invoice.objects.filter(owner=self.request.user)

    def perform_create(self, serializer):
        serializer.save(owner=self.request.user)


class CustomerViewSet(viewsets.ModelViewSet):
    serializer_class = CustomerSerializer
    queryset = Customer.objects.all()


@api_view(["GET"])
@permission_classes([permissions.IsAuthenticated])
def invoice_pdf(request, pk):
    invoice = Invoice.objects.get(pk=pk)
    if not invoice.pdf_path:
        raise Http404
    return FileResponse(open(invoice.pdf_path, "rb"), content_type="application/pdf")


class RevenueReport(APIView):
    permission_classes = [permissions.IsAdminUser]

    def get(self, request):
        year = request.query_params.get("year", "2024")
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT SUM(total) FROM invoices_invoice WHERE strftime('%%Y', created) = '" + year + "'"
            )
            total = cursor.fetchone()[0]
        return Response({"year": year, "total": total})


@api_view(["GET"])
def ping(request):
    return Response({"pong": True})
