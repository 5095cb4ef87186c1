from django.urls import path

from groups import feeds, views, views_rota

app_name = "groups"

urlpatterns = [
    path("tutors/", views.tutor_pool, name="tutor_pool"),
    path("tutors/me/", views.tutor_profile_edit, name="tutor_profile_edit"),
    path("tutors/<int:pk>/", views.tutor_detail, name="tutor_detail"),
    path("tutors/<int:pk>/check/", views.check_record, name="check_record"),
    path("tutors/<int:pk>/invite/", views.tutor_invite, name="tutor_invite"),
    path("bookings/", views.group_bookings, name="group_bookings"),
    path("bookings/new/", views.booking_request, name="booking_request"),
    path("bookings/<int:pk>/cancel/", views.booking_cancel, name="booking_cancel"),
    path("bookings/<int:pk>/change/", views.booking_move, name="booking_move"),
    path("sessions/<int:pk>/", views_rota.session_detail, name="session_detail"),
    path("sessions/<int:pk>/register/", views_rota.session_register, name="session_register"),
    path("helpers-needed/", views_rota.helpers_needed, name="helpers_needed"),
    path("volunteer-hours/", views_rota.volunteer_hours, name="volunteer_hours"),
    path("calendar/", views_rota.calendar_link, name="calendar_link"),
    path("calendar/<slug:token>.ics", feeds.personal_feed, name="personal_feed"),
    path(
        "groups/<int:group_id>/sessions.ics",
        feeds.group_sessions_feed,
        name="group_sessions_feed",
    ),
]
