from django.urls import include, path
from rest_framework.routers import DefaultRouter

from bookings import api, views

router = DefaultRouter()
router.register("events", api.EventViewSet)
router.register("bookings", api.BookingViewSet, basename="booking")
router.register("reviews", api.ReviewViewSet)
router.register("organizer/bookings", api.OrganizerBookingViewSet, basename="organizer-booking")

urlpatterns = [
    path("", views.EventListView.as_view(), name="event-list"),
    path("nearby/", views.NearbyEventsView.as_view(), name="nearby"),
    path("events/<int:pk>/", views.EventDetailView.as_view(), name="event-detail"),
    path("events/<int:pk>/edit/", views.EventUpdateView.as_view(), name="event-edit"),
    path("events/<int:event_id>/attendees/", views.AttendeeListView.as_view(), name="attendees"),
    path("events/<int:event_id>/check-in/", views.CheckInView.as_view(), name="check-in"),
    path("bookings/new/", views.BookingCreateView.as_view(), name="booking-create"),
    path("bookings/<int:pk>/", views.BookingDetailView.as_view(), name="booking-detail"),
    path("bookings/<int:pk>/cancel/", views.BookingCancelView.as_view(), name="booking-cancel"),
    path("bookings/<int:pk>/ticket/", views.TicketPDFView.as_view(), name="ticket"),
    path("manage/<uuid:code>/", views.manage_booking, name="manage-booking"),
    path("search/", views.event_search, name="event-search"),
    path("reviews/<int:pk>/delete/", views.ReviewDeleteView.as_view(), name="review-delete"),
    path("events/<int:event_id>/revenue/", views.organizer_revenue, name="revenue"),
    path("api/", include(router.urls)),
]
