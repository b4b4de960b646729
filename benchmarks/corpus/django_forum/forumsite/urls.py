from django.urls import path

from forum import views

urlpatterns = [
    path("threads/", views.thread_list),
    path("threads/<int:thread_id>/", views.thread_detail),
    path("threads/<int:thread_id>/reply/", views.reply),
    path("posts/<int:post_id>/edit/", views.edit_post),
    path("posts/<int:post_id>/report/", views.report_post),
    path("users/<int:user_id>/ban/", views.ban_user),
    path("search/", views.search),
    path("profile/signature/", views.update_signature),
    path("api/vote/", views.vote),
]
