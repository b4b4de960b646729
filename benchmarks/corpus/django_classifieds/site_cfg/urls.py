from django.urls import path

from ads import views

urlpatterns = [
    path("", views.index),
    path("ads/new/", views.create_ad),
    path("ads/<int:ad_id>/", views.ad_detail),
    path("ads/<int:ad_id>/edit/", views.edit_ad),
    path("ads/<int:ad_id>/delete/", views.delete_ad),
    path("ads/<int:ad_id>/contact/", views.contact_seller),
    path("messages/<int:msg_id>/", views.message_detail),
    path("login/", views.login_view),
    path("export/", views.export_ads),
]
