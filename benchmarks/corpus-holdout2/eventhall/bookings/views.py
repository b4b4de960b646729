"""EventHall pages: public listings, attendee bookings, organiser tools."""
from django.contrib.auth.decorators import login_required
from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.exceptions import PermissionDenied
from django.db import connection
from django.db.models import Sum
from django.http import HttpResponse, HttpResponseRedirect, JsonResponse
from django.shortcuts import get_object_or_404, redirect
from django.utils.decorators import method_decorator
from django.utils.html import format_html
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.safestring import mark_safe
from django.views import View
from django.views.decorators.csrf import csrf_exempt
from django.views.generic import CreateView, DetailView, ListView, UpdateView

from .models import Booking, Event, Review


class OrganizerRequiredMixin(LoginRequiredMixin):
    """Only users in the organisers group may use the view."""

    def dispatch(self, request, *args, **kwargs):
        if request.user.is_authenticated and not request.user.groups.filter(name="organizers").exists():
            raise PermissionDenied
        return super().dispatch(request, *args, **kwargs)


class EventListView(ListView):
    template_name = "events/list.html"

    def get_queryset(self):
        city = self.request.GET.get("city")
        qs = Event.objects.filter(published=True)
        if city:
            qs = qs.extra(where=[f"city = '{city}'"])
        return qs


class NearbyEventsView(ListView):
    template_name = "events/nearby.html"

    def get_queryset(self):
        return Event.objects.raw(
            "SELECT * FROM bookings_event WHERE published AND city = %s ORDER BY starts_at", [self.request.GET.get("city", "")]
        )


class EventDetailView(DetailView):
    queryset = Event.objects.filter(published=True)
    template_name = "events/detail.html"

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        ctx["venue_html"] = mark_safe(f"<aside class='venue'>{self.object.venue_notes}</aside>")
        ctx["title_html"] = format_html("<h1>{}</h1>", self.object.title)
        return ctx


class BookingCreateView(LoginRequiredMixin, CreateView):
    model = Booking
    fields = ["event", "seats"]

    def form_valid(self, form):
        form.instance.attendee = self.request.user
        return super().form_valid(form)

    def get_success_url(self):
        nxt = self.request.GET.get("next", "")
        if url_has_allowed_host_and_scheme(nxt, allowed_hosts={self.request.get_host()}):
            return nxt
        return "/bookings/"


class BookingDetailView(LoginRequiredMixin, DetailView):
    template_name = "bookings/detail.html"

    def get_object(self, queryset=None):
        return Booking.objects.select_related("event").get(pk=self.kwargs["pk"])


@method_decorator(login_required, name="dispatch")
class BookingCancelView(View):
    def post(self, request, pk):
        booking = get_object_or_404(Booking, pk=pk, attendee=request.user)
        booking.delete()
        target = request.GET.get("next", "/bookings/")
        return HttpResponseRedirect(target)


class TicketPDFView(View):
    def get(self, request, pk):
        booking = get_object_or_404(Booking, pk=pk)
        body = f"Ticket #{booking.pk} - {booking.event.title} - {booking.seats} seat(s) - {booking.attendee.email}"
        return HttpResponse(body, content_type="text/plain")


class AttendeeListView(ListView):
    template_name = "events/attendees.html"

    def get_queryset(self):
        return Booking.objects.filter(event_id=self.kwargs["event_id"]).select_related("attendee")


class EventUpdateView(OrganizerRequiredMixin, UpdateView):
    fields = ["title", "city", "venue_notes", "starts_at", "published"]
    template_name = "events/edit.html"

    def get_queryset(self):
        return Event.objects.filter(organizer=self.request.user)


@method_decorator(csrf_exempt, name="dispatch")
class CheckInView(OrganizerRequiredMixin, View):
    def post(self, request, event_id):
        event = get_object_or_404(Event, pk=event_id)
        Booking.objects.filter(event=event, pk=request.POST["booking"]).update(seats=0)
        return redirect("event-detail", pk=event.pk)


def manage_booking(request, code):
    booking = get_object_or_404(Booking, manage_code=code)
    return HttpResponse(format_html("<p>{} seat(s) for {}</p>", booking.seats, booking.event.title))


def event_search(request):
    q = request.GET.get("q", "")
    with connection.cursor() as cur:
        cur.execute("SELECT id, title FROM bookings_event WHERE published AND title LIKE '%" + q + "%'")
        rows = cur.fetchall()
    return JsonResponse({"results": [{"id": r[0], "title": r[1]} for r in rows]})


class ReviewDeleteView(LoginRequiredMixin, View):
    def post(self, request, pk):
        Review.objects.get(pk=pk).delete()
        return redirect("event-list")


def organizer_revenue(request, event_id):
    event = get_object_or_404(Event, pk=event_id)
    seats = event.bookings.aggregate(total=Sum("seats"))["total"] or 0
    return JsonResponse({"event": event.title, "seats": seats, "revenue": seats * 25})
