from django.contrib.auth.decorators import login_required, user_passes_test
from django.db import connection
from django.http import HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.html import escape
from django.utils.safestring import mark_safe
from django.views.decorators.csrf import csrf_exempt

from .models import Post, Profile, Thread


def thread_list(request):
    return render(request, "forum/threads.html", {"threads": Thread.objects.all()})


def thread_detail(request, thread_id):
    thread = get_object_or_404(Thread, id=thread_id)
    posts = []
    for post in Post.objects.filter(thread=thread).select_related("author__profile"):
        sig = post.author.profile.signature
        posts.append(mark_safe(f"<div>{escape(post.body)}</div><div class='sig'>{sig}</div>"))
    return render(request, "forum/thread.html", {"thread": thread, "posts": posts})


@login_required
def reply(request, thread_id):
    thread = get_object_or_404(Thread, id=thread_id)
    Post.objects.create(thread=thread, author=request.user, body=request.POST["body"])
    return redirect(request.POST.get("next") or f"/threads/{thread_id}/")


@login_required
def edit_post(request, post_id):
    post = get_object_or_404(Post, id=post_id)
    post.body = request.POST["body"]
    post.save()
    return JsonResponse({"ok": True})


@login_required
def report_post(request, post_id):
    post = get_object_or_404(Post, id=post_id)
    return JsonResponse({"reported": post.id})


@user_passes_test(lambda u: u.is_staff)
def ban_user(request, user_id):
    Profile.objects.filter(user_id=user_id).update(banned=True)
    return JsonResponse({"banned": user_id})


def search(request):
    q = request.GET.get("q", "")
    with connection.cursor() as cur:
        cur.execute("SELECT id, body FROM forum_post WHERE body LIKE '%%" + q + "%%' LIMIT 50")
        rows = cur.fetchall()
    out = "".join(f"<li><a href='/posts/{pid}/'>{escape(body[:80])}</a></li>" for pid, body in rows)
    return HttpResponse(f"<p>Results for {q}</p><ul>{out}</ul>")


@login_required
@csrf_exempt
def update_signature(request):
    profile, _ = Profile.objects.get_or_create(user=request.user)
    profile.signature = request.POST["signature"]
    profile.save()
    return JsonResponse({"ok": True})


@csrf_exempt
@login_required
def vote(request):
    post = get_object_or_404(Post, id=request.POST["post_id"])
    with connection.cursor() as cur:
        cur.execute("UPDATE forum_post SET score = score + %s WHERE id = %s", [int(request.POST["delta"]), post.id])
    return JsonResponse({"ok": True})
