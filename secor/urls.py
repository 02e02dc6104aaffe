from django.contrib import admin
from django.urls import include, path

from . import reminder_views, views

# Everything under /<association_slug>/ is tenant-scoped; each view there is
# wrapped by tenancy.association_view (a test walks these patterns).
association_patterns = [
    path("", views.association_home, name="association_home"),
    path("dashboard/", views.dashboard, name="dashboard"),
    path("dashboard/refresh/", views.dashboard_refresh, name="dashboard_refresh"),
    path("dashboard/export.csv", views.dashboard_export, name="dashboard_export"),
    path("staff/", views.staff, name="staff"),
    path("staff/members/<int:membership_id>/", views.staff_member, name="staff_member"),
    path(
        "staff/invitations/<int:invitation_id>/revoke/",
        views.staff_invitation_revoke,
        name="staff_invitation_revoke",
    ),
    path("notifications/", views.notifications, name="notifications"),
    path(
        "notifications/preferences/",
        reminder_views.preferences,
        name="reminder_preferences",
    ),
    path("notifications/settings/", reminder_views.reminder_settings, name="reminder_settings"),
    path(
        "notifications/employers/<int:employer_id>/",
        reminder_views.employer_log,
        name="reminder_log",
    ),
    path(
        "notifications/employers/<int:employer_id>/export.csv",
        reminder_views.employer_log_export,
        name="reminder_log_export",
    ),
    path(
        "notifications/employers/<int:employer_id>/calendar/",
        reminder_views.calendar,
        name="reminder_calendar",
    ),
    path("employers/", include("employers.urls")),
    path("training/", include("training.urls")),
    path("audits/", include("audits.urls")),
    path("submissions/", include("submissions.urls")),
]

urlpatterns = [
    path("", views.home, name="home"),
    path("admin/", admin.site.urls),
    path("accounts/", include("allauth.urls")),
    path("switch/", views.switch_association, name="switch_association"),
    path("invitations/<str:token>/", views.invitation_accept, name="invitation_accept"),
    path("register/", include("employers.registration_urls")),
    path("calendar/<str:token>.ics", reminder_views.calendar_feed, name="calendar_feed"),
    # Public certificate verification and registries (no sign-in).
    path("verify/", include("audits.public_urls")),
    path("<slug:association_slug>/", include(association_patterns)),
]
