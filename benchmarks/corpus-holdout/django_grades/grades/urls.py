from django.urls import path

from . import views

urlpatterns = [
    path("", views.home, name="home"),
    path("courses/<int:course_id>/", views.CourseGradebook.as_view(), name="gradebook"),
    path("grades/<int:grade_id>/", views.grade_detail, name="grade-detail"),
    path("grades/<int:grade_id>/edit/", views.GradeUpdate.as_view(), name="grade-edit"),
    path("report-card/", views.report_card, name="report-card"),
    path("search/", views.student_search, name="student-search"),
    path("api/grades/import/", views.import_grades, name="grade-import"),
    path("transcript/<int:student_id>/", views.transcript, name="transcript"),
]
urlpatterns += [
    path("attendance/<int:enrollment_id>/", views.attendance),
    path("courses/<int:course_id>/announcement/", views.announcement),
    path("courses/<int:course_id>/export.csv", views.export_gradebook),
    path("hooks/lms/", views.lms_webhook),
]
