from django.urls import path

from shop import views

urlpatterns = [
    path("cart/", views.cart_detail),
    path("cart/add/<int:product_id>/", views.cart_add),
    path("cart/item/<int:item_id>/remove/", views.cart_remove),
    path("orders/<int:order_id>/", views.order_detail),
    path("orders/<int:order_id>/cancel/", views.order_cancel),
    path("checkout/callback/", views.payment_callback),
    path("products/", views.product_list),
    path("coupon/", views.apply_coupon),
]
