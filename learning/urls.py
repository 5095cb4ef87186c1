from django.urls import path

from learning import views

app_name = "learning"

urlpatterns = [
    path("learners/<int:pk>/learning/", views.learner_page, name="learner_page"),
    path(
        "learners/<int:pk>/learning/units/<int:unit_id>/",
        views.learner_unit,
        name="learner_unit",
    ),
    path(
        "learners/<int:pk>/learning/<int:objective_id>/",
        views.self_assess,
        name="self_assess",
    ),
    path("learners/<int:pk>/progress/", views.guardian_dashboard, name="guardian_dashboard"),
    path("learners/<int:pk>/progress/observe/", views.guardian_observe, name="guardian_observe"),
    path("learners/<int:pk>/progress/follow/", views.guardian_follow, name="guardian_follow"),
    path(
        "learners/<int:pk>/progress/unfollow/<int:curriculum_id>/",
        views.guardian_unfollow,
        name="guardian_unfollow",
    ),
    path("learners/<int:pk>/record/", views.record_print, name="record_print"),
    path("learners/<int:pk>/record.zip", views.record_zip, name="record_zip"),
    path("learners/<int:pk>/erase/", views.learner_erase, name="learner_erase"),
    path("evidence/<int:pk>/", views.evidence_download, name="evidence_download"),
    path("sessions/<int:pk>/progress/", views.session_progress, name="session_progress"),
    path("courses/<int:pk>/overview/", views.course_overview, name="course_overview"),
]
