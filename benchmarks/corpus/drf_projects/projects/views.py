import hashlib
import time

from django.contrib.auth.models import User
from django.shortcuts import get_object_or_404
from rest_framework import generics, permissions, serializers, viewsets
from rest_framework.decorators import action, api_view, permission_classes
from rest_framework.response import Response

from .models import Attachment, Project, Task
from .permissions import IsOwner


class ProjectSerializer(serializers.ModelSerializer):
    class Meta:
        model = Project
        fields = ["id", "name"]


class TaskSerializer(serializers.ModelSerializer):
    class Meta:
        model = Task
        fields = ["id", "project", "title", "done"]


class AttachmentSerializer(serializers.ModelSerializer):
    class Meta:
        model = Attachment
        fields = ["id", "task", "file"]


class ProjectViewSet(viewsets.ModelViewSet):
    serializer_class = ProjectSerializer
    permission_classes = [permissions.IsAuthenticated, IsOwner]

    def get_queryset(self):
        return Project.objects.filter(owner=self.request.user)

    @action(detail=True, methods=["post"])
    def share(self, request, pk=None):
        project = self.get_object()
        project.share_token = hashlib.md5(f"{project.id}-{time.time()}".encode()).hexdigest()
        project.save()
        return Response({"token": project.share_token})


class TaskViewSet(viewsets.ModelViewSet):
    serializer_class = TaskSerializer
    queryset = Task.objects.all()


class AttachmentViewSet(viewsets.ModelViewSet):
    serializer_class = AttachmentSerializer

    def get_queryset(self):
        return Attachment.objects.filter(task__project__owner=self.request.user)


class SignupView(generics.CreateAPIView):
    permission_classes = [permissions.AllowAny]
    serializer_class = serializers.Serializer

    def post(self, request):
        User.objects.create_user(request.data["username"], password=request.data["password"])
        return Response(status=201)


@api_view(["GET"])
@permission_classes([permissions.AllowAny])
def shared_project(request, token):
    project = get_object_or_404(Project, share_token=token)
    return Response({"name": project.name})


class ProjectMembers(generics.ListAPIView):
    permission_classes = [permissions.AllowAny]
    serializer_class = serializers.Serializer

    def get(self, request, pk):
        project = Project.objects.get(pk=pk)
        return Response([m.username for m in User.objects.filter(project=project)])
