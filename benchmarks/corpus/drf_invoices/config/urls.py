from django.urls import include, path
from rest_framework.routers import DefaultRouter

from invoices import views

router = DefaultRouter()
router.register("invoices", views.InvoiceViewSet, basename="invoice")
router.register("customers", views.CustomerViewSet, basename="customer")

urlpatterns = [
    path("api/", include(router.urls)),
    path("api/invoices/<int:pk>/pdf/", views.invoice_pdf),
    path("api/reports/revenue/", views.RevenueReport.as_view()),
    path("api/ping/", views.ping),
]
