from django.urls import include, path
from rest_framework.routers import DefaultRouter

from tickets import views

router = DefaultRouter()
router.register("tickets", views.TicketViewSet, basename="ticket")
router.register("comments", views.TicketCommentViewSet)
router.register("attachments", views.AttachmentViewSet, basename="attachment")
router.register("kb", views.KnowledgeBaseViewSet)
router.register("agent-stats", views.AgentStatsViewSet, basename="agent-stats")
router.register("customers", views.CustomerViewSet)

urlpatterns = [
    path("api/", include(router.urls)),
    path("api/customers/export/", views.CustomerExportView.as_view()),
    path("api/tickets/bulk-close/", views.bulk_close),
    path("api/guest/tickets/<int:pk>/", views.GuestTicketView.as_view()),
]
