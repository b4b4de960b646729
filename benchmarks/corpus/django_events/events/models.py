from django.conf import settings
from django.db import models


class Event(models.Model):
    organiser = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE)
    title = models.CharField(max_length=200)
    description = models.TextField()


class Ticket(models.Model):
    event = models.ForeignKey(Event, on_delete=models.CASCADE)
    holder = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL)
    code = models.CharField(max_length=32, unique=True)
    email = models.EmailField()
