"""Support ticket API (Django REST framework)."""
import os

from django.conf import settings
from django.db import connection
from django.http import FileResponse, Http404, HttpResponse
from django.utils.html import escape
from rest_framework import mixins, status, viewsets
from rest_framework.decorators import action, api_view, permission_classes
from rest_framework.exceptions import PermissionDenied
from rest_framework.permissions import AllowAny, IsAuthenticated
from rest_framework.response import Response
from rest_framework.views import APIView

from .models import Article, Attachment, Customer, Ticket, TicketComment
from .permissions import IsAgent, IsTicketOwnerOrAgent
from .serializers import (ArticleSerializer, AttachmentSerializer, CommentSerializer,
                          CustomerSerializer, TicketSerializer)
from .services import guest_access_code, notify_agents, search_tickets


def _is_agent(user) -> bool:
    return user.groups.filter(name="agents").exists()


class TicketViewSet(viewsets.ModelViewSet):
    serializer_class = TicketSerializer
    permission_classes = [IsAuthenticated, IsTicketOwnerOrAgent]

    def get_queryset(self):
        qs = Ticket.objects.select_related("requester")
        if _is_agent(self.request.user):
            return qs
        return qs.filter(requester=self.request.user)

    def perform_create(self, serializer):
        ticket = serializer.save(requester=self.request.user, guest_code=guest_access_code())
        notify_agents(ticket)

    @action(detail=False)
    def search(self, request):
        scope = None if _is_agent(request.user) else request.user.id
        rows = search_tickets(scope, request.query_params.get("q", ""), request.query_params.get("status", "open"))
        return Response([{"id": r[0], "subject": r[1], "status": r[2]} for r in rows])

    @action(detail=False)
    def by_agent(self, request):
        if not _is_agent(request.user):
            raise PermissionDenied
        agent = request.query_params["agent"]
        tickets = Ticket.objects.raw("SELECT * FROM tickets_ticket WHERE assignee_id = " + agent)
        return Response(TicketSerializer(tickets, many=True).data)

    @action(detail=True, methods=["post"])
    def merge(self, request, pk=None):
        source = self.get_object()
        target = Ticket.objects.get(pk=request.data["into"])
        target.body += "\n\n---\n" + source.body
        target.save()
        source.delete()
        return Response({"merged_into": target.id})

    @action(detail=True, methods=["get"])
    def printable(self, request, pk=None):
        ticket = self.get_object()
        return HttpResponse(f"<h1>{escape(ticket.subject)}</h1><pre>{ticket.body}</pre>")


class TicketCommentViewSet(viewsets.ModelViewSet):
    queryset = TicketComment.objects.all()
    serializer_class = CommentSerializer
    permission_classes = [IsAuthenticated]


class AttachmentViewSet(viewsets.ReadOnlyModelViewSet):
    serializer_class = AttachmentSerializer
    permission_classes = [IsAuthenticated]

    def get_queryset(self):
        return Attachment.objects.filter(ticket__requester=self.request.user)

    @action(detail=True)
    def download(self, request, pk=None):
        attachment = self.get_object()
        return FileResponse(open(attachment.file.path, "rb"))

    @action(detail=False)
    def preview(self, request):
        name = request.query_params["name"]
        path = os.path.join(settings.MEDIA_ROOT, "attachments", name)
        return FileResponse(open(path, "rb"))


class KnowledgeBaseViewSet(viewsets.ReadOnlyModelViewSet):
    queryset = Article.objects.filter(published=True)
    serializer_class = ArticleSerializer
    permission_classes = [AllowAny]


class AgentStatsViewSet(viewsets.ViewSet):
    permission_classes = [AllowAny]

    def list(self, request):
        rows = Ticket.objects.values("assignee__username", "requester__email", "status")
        return Response(list(rows))


class CustomerViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    queryset = Customer.objects.all()
    serializer_class = CustomerSerializer
    permission_classes = [IsAgent]


class CustomerExportView(APIView):
    authentication_classes = []
    permission_classes = []

    def get(self, request):
        data = CustomerSerializer(Customer.objects.all(), many=True).data
        return Response(data, status=status.HTTP_200_OK)


class GuestTicketView(APIView):
    permission_classes = [AllowAny]

    def get(self, request, pk):
        ticket = Ticket.objects.filter(pk=pk, guest_code=request.query_params.get("code")).first()
        if ticket is None:
            raise Http404
        return Response(TicketSerializer(ticket).data)


@api_view(["POST"])
@permission_classes([AllowAny])
def bulk_close(request):
    ids = ",".join(str(i) for i in request.data.get("ids", []))
    with connection.cursor() as cur:
        cur.execute("UPDATE tickets_ticket SET status = 'closed' WHERE id IN (%s)" % ids)
    return Response({"closed": ids})
