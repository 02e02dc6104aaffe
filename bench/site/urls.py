"""The app's URLs plus a minimal view, served by the same gunicorn and middleware.

The load figure is the verification page's throughput as a share of this
view's: a ratio measured in one run, so it holds on a noisy machine.
"""

from django.http import HttpResponse
from django.urls import path

from secor.urls import urlpatterns as app_urlpatterns


def minimal(request):
    return HttpResponse("ok", content_type="text/plain")


urlpatterns = [path("bench/minimal/", minimal, name="bench_minimal"), *app_urlpatterns]
