from django.urls import include, path
from rest_framework.routers import DefaultRouter

from inventory import views

router = DefaultRouter()
router.register("items", views.ItemViewSet, basename="item")
router.register("warehouses", views.WarehouseViewSet, basename="warehouse")
router.register("suppliers", views.SupplierViewSet, basename="supplier")

urlpatterns = [
    path("api/", include(router.urls)),
    path("api/stock-report/", views.StockReport.as_view()),
    path("api/import/xml/", views.import_xml),
    path("api/import/snapshot/", views.SnapshotImport.as_view()),
    path("api/public/availability/", views.availability),
    path("api/labels/<int:item_id>/", views.label_html),
]
urlpatterns += [
    path("api/adjust/", views.adjust_stock),
    path("api/suppliers/search/", views.SupplierSearch.as_view()),
    path("api/suppliers/webhook-test/", views.SupplierWebhookTest.as_view()),
    path("api/import/xml-safe/", views.import_xml_safe),
]
