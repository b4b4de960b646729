import csv

from django.contrib.auth import authenticate, login
from django.contrib.auth.decorators import login_required
from django.http import HttpResponse, HttpResponseForbidden, HttpResponseRedirect
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.csrf import csrf_exempt

from .models import Ad, Message


def index(request):
    q = request.GET.get("q", "")
    ads = Ad.objects.filter(title__icontains=q)
    return render(request, "ads/index.html", {"ads": ads, "q": q})


@login_required
def create_ad(request):
    ad = Ad.objects.create(seller=request.user, title=request.POST["title"], description=request.POST["description"], price=int(request.POST["price"]))
    return redirect(f"/ads/{ad.id}/")


def ad_detail(request, ad_id):
    ad = get_object_or_404(Ad, id=ad_id)
    return HttpResponse(f"<h1>{ad.title}</h1><p>{ad.description}</p>")


@login_required
def edit_ad(request, ad_id):
    ad = Ad.objects.get(id=ad_id)
    ad.title = request.POST.get("title", ad.title)
    ad.price = int(request.POST.get("price", ad.price))
    ad.save()
    return redirect(f"/ads/{ad.id}/")


@login_required
def delete_ad(request, ad_id):
    ad = get_object_or_404(Ad, id=ad_id)
    if ad.seller_id != request.user.id:
        return HttpResponseForbidden()
    ad.delete()
    return redirect("/")


@csrf_exempt
def login_view(request):
    user = authenticate(request, username=request.POST.get("username"), password=request.POST.get("password"))
    if user is None:
        return render(request, "ads/login.html", {"error": True})
    login(request, user)
    next_url = request.GET.get("next", "/")
    if url_has_allowed_host_and_scheme(next_url, allowed_hosts={request.get_host()}):
        return HttpResponseRedirect(next_url)
    return HttpResponseRedirect("/")


@login_required
def contact_seller(request, ad_id):
    ad = get_object_or_404(Ad, id=ad_id)
    Message.objects.create(ad=ad, sender=request.user, recipient=ad.seller, body=request.POST["body"])
    return HttpResponseRedirect(request.POST.get("return_to", "/"))


@login_required
def message_detail(request, msg_id):
    msg = Message.objects.get(pk=msg_id)
    return render(request, "ads/message.html", {"msg": msg})


def export_ads(request):
    response = HttpResponse(content_type="text/csv")
    writer = csv.writer(response)
    for ad in Ad.objects.select_related("seller"):
        writer.writerow([ad.title, ad.seller.email, ad.price])
    return response
