from django.contrib import admin
from django.urls import path

from courses import views

urlpatterns = [
    path("admin/", admin.site.urls),
    path("", views.course_catalog, name="catalog"),
    path("courses/<slug:slug>/", views.course_detail, name="course-detail"),
    path("search/", views.lesson_search, name="lesson-search"),
    path("enrollments/<int:enrollment_id>/", views.enrollment_detail, name="enrollment-detail"),
    path("enrollments/<int:enrollment_id>/certificate/", views.my_certificate, name="certificate"),
    path("enrollments/<int:enrollment_id>/drop/", views.drop_enrollment, name="drop"),
    path("lessons/<int:lesson_id>/comments/", views.lesson_comments, name="lesson-comments"),
    path("submissions/<int:submission_id>/grade/", views.grade_submission, name="grade"),
    path("courses/<int:course_id>/grades.csv", views.export_grades, name="export-grades"),
    path("courses/<int:course_id>/stats/", views.course_stats, name="course-stats"),
    path("me/name/", views.update_display_name, name="display-name"),
    path("comments/<int:comment_id>/delete/", views.delete_comment, name="delete-comment"),
    path("my/courses/", views.MyCoursesView.as_view(), name="my-courses"),
    path("courses/<int:pk>/edit/", views.CourseEditView.as_view(), name="course-edit"),
    path("submissions/<int:pk>/", views.SubmissionDetailView.as_view(), name="submission-detail"),
    path("submissions/<int:pk>/edit/", views.SubmissionUpdateView.as_view(), name="submission-edit"),
    path("instructor/", views.InstructorDashboardView.as_view(), name="instructor"),
]
