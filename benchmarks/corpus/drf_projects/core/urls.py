from django.urls import include, path
from rest_framework.routers import DefaultRouter

from projects import views

router = DefaultRouter()
router.register("projects", views.ProjectViewSet, basename="project")
router.register("tasks", views.TaskViewSet, basename="task")
router.register("attachments", views.AttachmentViewSet, basename="attachment")

urlpatterns = [
    path("api/", include(router.urls)),
    path("api/signup/", views.SignupView.as_view()),
    path("api/share/<str:token>/", views.shared_project),
    path("api/projects/<int:pk>/members/", views.ProjectMembers.as_view()),
]
