from django.contrib.admin.views.decorators import staff_member_required
from django.contrib.auth.decorators import login_required
from django.contrib.auth.mixins import LoginRequiredMixin
from django.http import HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404, redirect
from django.utils.html import format_html
from django.utils.safestring import mark_safe
from django.views.generic import DetailView, ListView

from .models import Article, Reply, Ticket


class TicketListView(LoginRequiredMixin, ListView):
    template_name = "tickets/list.html"

    def get_queryset(self):
        return Ticket.objects.filter(requester=self.request.user)


class TicketDetailView(DetailView):
    model = Ticket
    template_name = "tickets/detail.html"


@login_required
def reply(request, pk):
    ticket = get_object_or_404(Ticket, pk=pk)
    Reply.objects.create(ticket=ticket, author=request.user, body=request.POST["body"])
    return redirect(f"/tickets/{pk}/")


@staff_member_required
def assign(request, pk):
    ticket = get_object_or_404(Ticket, pk=pk)
    ticket.assignee_id = request.POST["assignee"]
    ticket.save()
    return JsonResponse({"assigned": ticket.assignee_id})


def kb_article(request, slug):
    article = get_object_or_404(Article, slug=slug)
    highlight = request.GET.get("hl", "")
    body = article.html.replace(highlight, f"<mark>{highlight}</mark>") if highlight else article.html
    return HttpResponse(mark_safe(body))


def status(request):
    component = request.GET.get("component", "all")
    return HttpResponse(format_html("<p>Status of {}: operational</p>", component))
