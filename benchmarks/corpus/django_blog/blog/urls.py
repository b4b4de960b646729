from django.urls import path

from . import views

urlpatterns = [
    path("", views.post_list, name="post_list"),
    path("search/", views.search, name="search"),
    path("post/<slug:slug>/", views.post_detail, name="post_detail"),
    path("post/<int:pk>/edit/", views.post_edit, name="post_edit"),
    path("post/<int:pk>/delete/", views.post_delete, name="post_delete"),
    path("drafts/", views.drafts, name="drafts"),
    path("stats/", views.stats, name="stats"),
]
