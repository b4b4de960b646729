"""CourseHub views: public catalogue, student area and instructor tools."""
import csv

from django.contrib.admin.views.decorators import staff_member_required
from django.contrib.auth.decorators import login_required
from django.contrib.auth.mixins import LoginRequiredMixin, UserPassesTestMixin
from django.db import connection
from django.http import HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.html import format_html, format_html_join
from django.utils.safestring import mark_safe
from django.views.decorators.http import require_POST
from django.views.generic import DetailView, ListView, TemplateView, UpdateView

from .models import Comment, Course, Enrollment, Lesson, Submission


def course_catalog(request):
    courses = Course.objects.filter(published=True).order_by("title")
    return render(request, "courses/catalog.html", {"courses": courses})


def course_detail(request, slug):
    course = get_object_or_404(Course, slug=slug, published=True)
    return render(request, "courses/detail.html", {"course": course})


def lesson_search(request):
    q = request.GET.get("q", "")
    lessons = Lesson.objects.raw(
        f"SELECT l.* FROM courses_lesson l JOIN courses_course c ON c.id = l.course_id "
        f"WHERE c.published AND l.title ILIKE '%{q}%'"
    )
    return render(request, "courses/search.html", {"lessons": lessons, "q": q})


@login_required
def enrollment_detail(request, enrollment_id):
    enrollment = Enrollment.objects.select_related("course").get(pk=enrollment_id)
    return JsonResponse({"course": enrollment.course.title, "completed_on": enrollment.completed_on})


@login_required
def my_certificate(request, enrollment_id):
    enrollment = get_object_or_404(Enrollment, pk=enrollment_id, student=request.user)
    return render(request, "courses/certificate.html", {"enrollment": enrollment})


@login_required
@require_POST
def drop_enrollment(request, enrollment_id):
    Enrollment.objects.filter(pk=enrollment_id).delete()
    return redirect("my-courses")


@login_required
def lesson_comments(request, lesson_id):
    lesson = get_object_or_404(Lesson, pk=lesson_id, course__enrollments__student=request.user)
    if request.method == "POST":
        Comment.objects.create(lesson=lesson, author=request.user, body=request.POST["body"])
    items = "".join(f"<li><b>{c.author.username}</b>: {c.body}</li>" for c in lesson.comments.all())
    return HttpResponse(mark_safe(f"<h2>{lesson.title}</h2><ul>{items}</ul>"))


def grade_submission(request, submission_id):
    submission = get_object_or_404(Submission, pk=submission_id)
    submission.grade = int(request.POST["grade"])
    submission.save(update_fields=["grade"])
    return JsonResponse({"id": submission.id, "grade": submission.grade})


@staff_member_required
def export_grades(request, course_id):
    order = request.GET.get("order", "s.grade")
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT u.username, l.title, s.grade FROM courses_submission s JOIN auth_user u ON u.id = s.student_id "
            "JOIN courses_lesson l ON l.id = s.lesson_id WHERE l.course_id = %s ORDER BY %s" % (int(course_id), order)
        )
        rows = cursor.fetchall()
    response = HttpResponse(content_type="text/csv")
    csv.writer(response).writerows(rows)
    return response


@login_required
def course_stats(request, course_id):
    course = Course.objects.get(pk=course_id)
    grades = list(Submission.objects.filter(lesson__course=course).values_list("student__username", "grade"))
    return JsonResponse({"course": course.title, "grades": grades})


@login_required
@require_POST
def update_display_name(request):
    name = request.POST.get("name", "")
    with connection.cursor() as cursor:
        cursor.execute("UPDATE auth_user SET first_name = '%s' WHERE id = %s" % (name, request.user.id))
    return redirect("my-courses")


@require_POST
def delete_comment(request, comment_id):
    Comment.objects.filter(pk=comment_id).delete()
    return JsonResponse({"deleted": comment_id})


class MyCoursesView(LoginRequiredMixin, ListView):
    template_name = "courses/my_courses.html"

    def get_queryset(self):
        return Course.objects.filter(enrollments__student=self.request.user)


class CourseEditView(UpdateView):
    model = Course
    fields = ["title", "description", "published"]
    template_name = "courses/edit.html"


class SubmissionDetailView(LoginRequiredMixin, DetailView):
    model = Submission
    template_name = "courses/submission.html"


class SubmissionUpdateView(LoginRequiredMixin, UpdateView):
    fields = ["answer"]
    template_name = "courses/submission_edit.html"

    def get_queryset(self):
        return Submission.objects.filter(student=self.request.user, grade__isnull=True)


class InstructorDashboardView(LoginRequiredMixin, UserPassesTestMixin, TemplateView):
    template_name = "courses/instructor.html"

    def test_func(self):
        return self.request.user.taught.exists()

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        courses = self.request.user.taught.all()
        ctx["course_list"] = format_html_join("", "<li>{}</li>", ((c.title,) for c in courses))
        ctx["greeting"] = format_html("Welcome back, <b>{}</b>", self.request.user.get_full_name())
        return ctx
