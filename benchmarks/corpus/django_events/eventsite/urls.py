from django.urls import path

from events import views

urlpatterns = [
    path("events/<int:event_id>/", views.event_detail),
    path("events/<int:event_id>/attendees/", views.attendees),
    path("events/<int:event_id>/edit/", views.edit_event),
    path("tickets/<int:ticket_id>/", views.ticket),
    path("tickets/<int:ticket_id>/transfer/", views.transfer_ticket),
    path("tickets/claim/", views.claim),
    path("checkin/", views.checkin),
    path("search/", views.search),
]
