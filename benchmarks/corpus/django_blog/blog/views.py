from django.contrib.auth.decorators import login_required
from django.db import connection
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.html import escape, format_html
from django.utils.safestring import mark_safe

from .models import Comment, Post


def post_list(request):
    posts = Post.objects.filter(published=True).order_by("-created")
    return render(request, "blog/post_list.html", {"posts": posts})


def search(request):
    q = request.GET.get("q", "")
    posts = Post.objects.raw(f"SELECT * FROM blog_post WHERE published = 1 AND title LIKE '%%{q}%%'")
    header = mark_safe(f"<h2>Results for {q}</h2>")
    return render(request, "blog/search.html", {"posts": posts, "header": header})


def post_detail(request, slug):
    post = get_object_or_404(Post, slug=slug, published=True)
    if request.method == "POST":
        Comment.objects.create(post=post, name=request.POST["name"], body=request.POST["body"])
    comments_html = "".join(
        format_html("<li><b>{}</b>: {}</li>", c.name, c.body) for c in post.comments.all()
    )
    return render(request, "blog/post_detail.html", {"post": post, "comments_html": mark_safe(comments_html)})


@login_required
def post_edit(request, pk):
    post = get_object_or_404(Post, pk=pk)
    if request.method == "POST":
        post.title = request.POST["title"]
        post.body = request.POST["body"]
        post.save()
        return redirect("post_detail", slug=post.slug)
    return render(request, "blog/post_edit.html", {"post": post})


@login_required
def post_delete(request, pk):
    post = get_object_or_404(Post, pk=pk, author=request.user)
    post.delete()
    return redirect("post_list")


def drafts(request):
    posts = Post.objects.filter(published=False)
    return render(request, "blog/drafts.html", {"posts": posts})


@login_required
def stats(request):
    author = request.GET.get("author", "")
    with connection.cursor() as cursor:
        cursor.execute("SELECT COUNT(*) FROM blog_post WHERE author_id = %s", [author])
        count = cursor.fetchone()[0]
    return HttpResponse("<p>%s has %d posts</p>" % (escape(author), count))
