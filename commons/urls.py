from django.conf import settings
from django.urls import include, path
from wagtail import urls as wagtail_urls
from wagtail.admin import urls as wagtailadmin_urls
from wagtail.documents import urls as wagtaildocs_urls

from commons import feeds
from commons.api import api
from commons.views import (
    accounts,
    admin,
    bookings,
    health,
    numbers,
    open_data,
    search,
    two_factor,
    whats_on,
)
from learning.api import api_router

commons_patterns = [
    path("accounts/", accounts.account, name="account"),
    path("accounts/signup/", accounts.signup, name="signup"),
    path("accounts/profile/", accounts.profile_edit, name="profile_edit"),
    # Two-step login: the code after the password, and turning it on and off.
    path("accounts/login/code/", two_factor.verify, name="two_factor_verify"),
    path("accounts/two-step/turn-on/", two_factor.turn_on, name="two_factor_turn_on"),
    path("accounts/two-step/set-up/", two_factor.setup, name="two_factor_setup"),
    path(
        "accounts/two-step/backup-codes/", two_factor.backup_codes, name="two_factor_backup_codes"
    ),
    path("accounts/two-step/turn-off/", two_factor.turn_off, name="two_factor_turn_off"),
    path("household/", accounts.household, name="household"),
    path("household/learners/add/", accounts.learner_add, name="learner_add"),
    path("household/learners/<int:pk>/", accounts.learner_detail, name="learner_detail"),
    path("household/learners/<int:pk>/edit/", accounts.learner_edit, name="learner_edit"),
    path("household/learners/<int:pk>/remove/", accounts.learner_remove, name="learner_remove"),
    path("household/learners/<int:pk>/invite/", accounts.guardian_invite, name="guardian_invite"),
    path("household/learners/<int:pk>/login/", accounts.learner_login, name="learner_login"),
    path(
        "household/learners/<int:pk>/record-views/",
        accounts.learner_record_views,
        name="learner_record_views",
    ),
    path("spaces/bookings/<int:pk>/review/", bookings.booking_review, name="booking_review"),
    path(
        "spaces/feeds/space/<int:space_id>.ics",
        feeds.space_bookings_feed,
        name="space_bookings_feed",
    ),
    path(
        "spaces/feeds/group/<int:group_id>.ics",
        feeds.group_bookings_feed,
        name="group_bookings_feed",
    ),
    path(
        "household/invitations/<str:token>/",
        accounts.invitation_accept,
        name="invitation_accept",
    ),
    # What's on
    path("whats-on/", whats_on.whats_on, name="whats_on"),
    path("whats-on/feed.ics", whats_on.whats_on_feed, name="whats_on_feed"),
    # Search
    path("search/", search.search, name="search"),
    # The commons in numbers
    path("numbers/", numbers.numbers, name="numbers"),
]

urlpatterns = [
    path("health/", health.health, name="health"),
    # The admin logs in through the site's login, which asks for a two-step code when needed.
    path("admin/login/", two_factor.admin_login),
    # Wagtail's site-wide screens, narrowed or shut (commons/views/admin.py says why).
    path("admin/reports/site-history/", admin.site_history),
    path("admin/reports/site-history/results/", admin.site_history_results),
    path("admin/failwhale/", admin.error_test),
    path("admin/", include(wagtailadmin_urls)),
    path("documents/", include(wagtaildocs_urls)),
    path("api/v2/", api_router.urls),
    # Open data API
    path("api/v1/", api.urls),
    path("open-data/", open_data.open_data, name="open_data"),
    # Django's own names (login, logout, password_reset, …), which its views reverse.
    path("accounts/login/", two_factor.LoginView.as_view(), name="login"),
    path("accounts/", include("django.contrib.auth.urls")),
    path("", include((commons_patterns, "commons"))),
    path("", include("groups.urls")),
    path("", include("learning.urls")),
]

if settings.DEBUG:
    from django.conf.urls.static import static

    urlpatterns += static(settings.MEDIA_URL, document_root=settings.MEDIA_ROOT)

urlpatterns += [path("", include(wagtail_urls))]

handler500 = "commons.views.errors.server_error"
