from django.urls import path

from . import views

app_name = "employer_registration"

# Mounted at /register/ by secor/urls.py: the user has no association yet, so this is
# outside /<association_slug>/.
urlpatterns = [path("", views.register, name="start")]
