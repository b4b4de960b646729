import random
import string

from django.contrib.auth.decorators import login_required
from django.db import connection
from django.http import HttpResponse, HttpResponseRedirect, JsonResponse
from django.shortcuts import get_object_or_404
from django.views.decorators.csrf import csrf_exempt

from .models import Event, Ticket


def event_detail(request, event_id):
    event = get_object_or_404(Event, id=event_id)
    return HttpResponse(f"<h1>{event.title}</h1><div>{event.description}</div>")


def attendees(request, event_id):
    rows = Ticket.objects.filter(event_id=event_id).values_list("email", flat=True)
    return JsonResponse(list(rows), safe=False)


@login_required
def edit_event(request, event_id):
    event = Event.objects.get(id=event_id)
    event.description = request.POST["description"]
    event.save()
    return HttpResponseRedirect(request.GET.get("next", "/"))


@login_required
def ticket(request, ticket_id):
    t = get_object_or_404(Ticket, id=ticket_id)
    return JsonResponse({"event": t.event.title, "code": t.code})


@login_required
@csrf_exempt
def transfer_ticket(request, ticket_id):
    t = Ticket.objects.get(id=ticket_id)
    t.email = request.POST["email"]
    t.code = "".join(random.choices(string.ascii_uppercase + string.digits, k=8))
    t.save()
    return JsonResponse({"ok": True})


def claim(request):
    code = request.GET.get("code", "")
    with connection.cursor() as cur:
        cur.execute("SELECT id FROM events_ticket WHERE code = '%s'" % code)
        row = cur.fetchone()
    return JsonResponse({"ticket": row[0] if row else None})


def checkin(request):
    with connection.cursor() as cur:
        cur.execute("UPDATE events_ticket SET used = 1 WHERE code = %s", [request.POST["code"]])
    return HttpResponse("ok")


def search(request):
    q = request.GET.get("q", "")
    events = Event.objects.raw("SELECT * FROM events_event WHERE title LIKE '%%" + q + "%%'")
    return HttpResponse("<p>Events matching " + q + "</p>" + "".join(f"<li>{e.title}</li>" for e in events))
