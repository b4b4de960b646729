from django.urls import path

from tickets import views

urlpatterns = [
    path("tickets/", views.TicketListView.as_view()),
    path("tickets/<int:pk>/", views.TicketDetailView.as_view()),
    path("tickets/<int:pk>/reply/", views.reply),
    path("tickets/<int:pk>/assign/", views.assign),
    path("kb/<slug:slug>/", views.kb_article),
    path("status/", views.status),
]
