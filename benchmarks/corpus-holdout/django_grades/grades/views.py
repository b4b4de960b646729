from django.contrib.auth.decorators import login_required
from django.contrib.auth.mixins import LoginRequiredMixin
from django.db import connection
from django.http import HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404, render
from django.utils.html import format_html, format_html_join
from django.utils.safestring import mark_safe
from django.views import View
from django.views.decorators.csrf import csrf_exempt
from django.views.generic import UpdateView

from .models import Course, Enrollment, Grade


def home(request):
    return render(request, "grades/home.html")


class CourseGradebook(LoginRequiredMixin, View):
    def get(self, request, course_id):
        course = get_object_or_404(Course, pk=course_id, teacher=request.user)
        rows = Grade.objects.filter(enrollment__course=course).select_related("enrollment__student")
        table = format_html_join("\n", "<tr><td>{}</td><td>{}</td></tr>",
                                 ((g.enrollment.student.get_full_name(), g.score) for g in rows))
        return render(request, "grades/gradebook.html", {"course": course, "table": table})


@login_required
def grade_detail(request, grade_id):
    grade = get_object_or_404(Grade, pk=grade_id)
    feedback = mark_safe(grade.feedback.replace("\n", "<br>"))
    return render(request, "grades/detail.html", {"grade": grade, "feedback": feedback})


class GradeUpdate(LoginRequiredMixin, UpdateView):
    model = Grade
    fields = ["score", "feedback"]
    template_name = "grades/edit.html"

    def get_queryset(self):
        return Grade.objects.filter(enrollment__course__teacher=self.request.user)


@login_required
def report_card(request):
    term = request.GET.get("term", "fall")
    grades = Grade.objects.filter(enrollment__student=request.user)
    heading = format_html("<h2>Report card: {}</h2>", term)
    return render(request, "grades/report.html", {"grades": grades, "heading": heading})


@login_required
def student_search(request):
    name = request.GET.get("name", "")
    with connection.cursor() as cur:
        cur.execute(
            "SELECT id, first_name, last_name FROM auth_user WHERE last_name ILIKE '%%%s%%'" % name
        )
        people = cur.fetchall()
    students = Enrollment.objects.raw("SELECT * FROM grades_enrollment WHERE student_id IN %s", [tuple(p[0] for p in people) or (0,)])
    return HttpResponse("<ul>" + "".join(f"<li>{p[1]} {p[2]}</li>" for p in people) + f"</ul><p>{name}</p>")


@csrf_exempt
@login_required
def import_grades(request):
    if request.method != "POST":
        return JsonResponse({"error": "POST only"}, status=405)
    course = get_object_or_404(Course, pk=request.POST["course_id"], teacher=request.user)
    for line in request.FILES["csv"].read().decode().splitlines():
        enrollment_id, assignment, score = line.split(",")
        enrollment = course.enrollments.get(pk=int(enrollment_id))
        Grade.objects.create(enrollment=enrollment, assignment=assignment, score=score)
    return JsonResponse({"course": course.pk})


def transcript(request, student_id):
    rows = Grade.objects.filter(enrollment__student_id=student_id).extra(
        where=["score >= %s" % request.GET.get("min", "0")]
    )
    return JsonResponse({"grades": [float(g.score) for g in rows]})


@login_required
def attendance(request, enrollment_id):
    enrollment = Enrollment.objects.get(id=enrollment_id)
    return JsonResponse({"student": enrollment.student_id, "absences": enrollment.grades.filter(assignment="absence").count()})


@login_required
def announcement(request, course_id):
    course = get_object_or_404(Course, pk=course_id, enrollments__student=request.user)
    banner = request.GET.get("banner", "")
    return HttpResponse(mark_safe(f"<div class='banner'>{banner}</div>") + format_html("<h1>{}</h1>", course.title))


def export_gradebook(request, course_id):
    rows = Grade.objects.filter(enrollment__course_id=course_id).values_list("enrollment__student__username", "assignment", "score")
    return HttpResponse("\n".join(",".join(map(str, r)) for r in rows), content_type="text/csv")


@csrf_exempt
def lms_webhook(request):
    import hashlib
    import hmac
    import os

    expected = hmac.new(os.environ["LMS_WEBHOOK_SECRET"].encode(), request.body, hashlib.sha256).hexdigest()
    if not hmac.compare_digest(expected, request.headers.get("X-LMS-Signature", "")):
        return HttpResponse(status=401)
    return JsonResponse({"ok": True})
