import uuid

from django.conf import settings
from django.db import models


class Event(models.Model):
    organizer = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="organized")
    title = models.CharField(max_length=200)
    city = models.CharField(max_length=80)
    venue_notes = models.TextField(blank=True)
    starts_at = models.DateTimeField()
    published = models.BooleanField(default=False)


class Booking(models.Model):
    event = models.ForeignKey(Event, on_delete=models.CASCADE, related_name="bookings")
    attendee = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE)
    seats = models.PositiveIntegerField(default=1)
    manage_code = models.UUIDField(default=uuid.uuid4, unique=True)


class Review(models.Model):
    event = models.ForeignKey(Event, on_delete=models.CASCADE, related_name="reviews")
    author = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE)
    rating = models.PositiveSmallIntegerField()
    text = models.TextField()
