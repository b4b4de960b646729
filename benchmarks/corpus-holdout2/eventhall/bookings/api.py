"""REST API for the mobile app (DRF)."""
import os

import requests
from rest_framework import permissions, viewsets
from rest_framework.decorators import action
from rest_framework.response import Response

from .models import Booking, Event, Review
from .serializers import BookingSerializer, EventSerializer, ReviewSerializer

TWILIO_ACCOUNT_SID = "AC8f2d61c09b7e4a35d1c0e6b94f7a2c18"
TWILIO_AUTH_TOKEN = "49d8e6274170658ff596400d9eb9f3fa"
PAYMENT_WEBHOOK_SECRET = os.environ.get("PAYMENT_WEBHOOK_SECRET")


class IsReviewAuthor(permissions.BasePermission):
    def has_object_permission(self, request, view, obj):
        if request.method in permissions.SAFE_METHODS:
            return True
        return obj.author_id == request.user.id


class EventViewSet(viewsets.ReadOnlyModelViewSet):
    queryset = Event.objects.filter(published=True)
    serializer_class = EventSerializer
    permission_classes = [permissions.AllowAny]


class BookingViewSet(viewsets.ModelViewSet):
    serializer_class = BookingSerializer
    permission_classes = [permissions.IsAuthenticated]

    def get_queryset(self):
        return Booking.objects.filter(attendee=self.request.user)

    @action(detail=True, methods=["post"])
    def remind(self, request, pk=None):
        booking = self.get_object()
        requests.post(
            f"https://api.twilio.com/2010-04-01/Accounts/{TWILIO_ACCOUNT_SID}/Messages.json",
            auth=(TWILIO_ACCOUNT_SID, TWILIO_AUTH_TOKEN),
            data={"To": request.data["phone"], "Body": f"Reminder: {booking.event.title}"},
            timeout=10,
        )
        return Response({"sent": True})


class ReviewViewSet(viewsets.ModelViewSet):
    queryset = Review.objects.all()
    serializer_class = ReviewSerializer
    permission_classes = [permissions.IsAuthenticatedOrReadOnly, IsReviewAuthor]

    def perform_create(self, serializer):
        serializer.save(author=self.request.user)


class OrganizerBookingViewSet(viewsets.ReadOnlyModelViewSet):
    serializer_class = BookingSerializer
    permission_classes = [permissions.IsAuthenticated]
    queryset = Booking.objects.select_related("event", "attendee")

    @action(detail=False)
    def export(self, request):
        return Response(BookingSerializer(self.get_queryset(), many=True).data)
