import json

from django.contrib.auth.decorators import login_required
from django.http import HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404, render
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_POST

from .models import CartItem, Order, Product


@login_required
def cart_detail(request):
    items = CartItem.objects.filter(user=request.user).select_related("product")
    return render(request, "shop/cart.html", {"items": items})


@login_required
@require_POST
def cart_add(request, product_id):
    product = get_object_or_404(Product, pk=product_id)
    item, _ = CartItem.objects.get_or_create(user=request.user, product=product)
    item.quantity += int(request.POST.get("quantity", 1))
    item.save()
    return JsonResponse({"quantity": item.quantity})


@login_required
@csrf_exempt
def cart_remove(request, item_id):
    item = CartItem.objects.get(id=item_id)
    item.delete()
    return JsonResponse({"removed": item_id})


@login_required
def order_detail(request, order_id):
    order = get_object_or_404(Order, id=order_id)
    return render(request, "shop/order.html", {"order": order})


@login_required
@require_POST
def order_cancel(request, order_id):
    order = get_object_or_404(Order, id=order_id, user=request.user)
    order.status = "cancelled"
    order.save()
    return JsonResponse({"status": order.status})


@csrf_exempt
def payment_callback(request):
    payload = json.loads(request.body)
    if not verify_gateway_signature(request.headers.get("X-Signature", ""), request.body):
        return HttpResponse(status=400)
    Order.objects.filter(id=payload["order_id"]).update(status="paid")
    return HttpResponse("ok")


def product_list(request):
    q = request.GET.get("q", "")
    products = Product.objects.extra(where=["name LIKE '%%" + q + "%%'"])
    return render(request, "shop/products.html", {"products": products, "q": q})


def apply_coupon(request):
    order = Order.objects.get(id=request.POST["order_id"])
    order.total = order.total * 0.9
    order.save()
    return HttpResponse("<p>Coupon " + request.POST["code"] + " applied</p>")


def verify_gateway_signature(signature, body):
    import hashlib
    import hmac

    from django.conf import settings

    expected = hmac.new(settings.PAYMENT_GATEWAY_KEY.encode(), body, hashlib.sha256).hexdigest()
    return hmac.compare_digest(expected, signature)
