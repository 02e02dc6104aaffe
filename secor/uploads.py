"""A per-file size limit for uploads, enforced while the body arrives.

Django has no per-file size setting: without one, a 50 MB
file is received and written to a temporary file before the view can refuse
it. ``limit_upload_size`` installs ``FileSizeLimitHandler`` first for one view
(Django docs, "Modifying upload handlers on the fly"); the handler raises
``StopUpload`` as soon as a file passes the limit, and the view answers 413
with a page saying so, without reading the rest of the body.

Only a server-side guard: the content checks (type, readability) stay with the
app (e.g. ``training/evidence.py``). A proxy in front should keep its own,
larger body limit.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import wraps

from django.core.files.uploadhandler import FileUploadHandler, StopUpload
from django.shortcuts import render
from django.views.decorators.csrf import csrf_exempt, csrf_protect


@dataclass(frozen=True)
class RefusedUpload:
    field_name: str
    file_name: str
    max_bytes: int

    @property
    def limit(self) -> str:
        return f"{self.max_bytes / (1024 * 1024):g} MB"


class FileSizeLimitHandler(FileUploadHandler):
    """Stops the whole upload when one file passes ``max_bytes``.

    Later handlers (the temporary-file one) get the chunks this one passes on,
    so nothing past the limit reaches the disk. The refused file is noted on
    ``request.refused_upload``.
    """

    def __init__(self, request, max_bytes: int):
        super().__init__(request)
        self.max_bytes = max_bytes
        self.received = 0

    def new_file(self, *args, **kwargs):
        super().new_file(*args, **kwargs)
        self.received = 0

    def receive_data_chunk(self, raw_data, start):
        self.received += len(raw_data)
        if self.received > self.max_bytes:
            self.request.refused_upload = RefusedUpload(
                self.field_name, self.file_name or "", self.max_bytes
            )
            # connection_reset: do not read (and discard) the rest of the body first.
            raise StopUpload(connection_reset=True)
        return raw_data

    def file_complete(self, file_size):
        return None


def limit_upload_size(max_bytes: int):
    """Decorate a view so any uploaded file over ``max_bytes`` gets a 413 page at once.

    The handler must be installed before anything reads ``request.POST``, and
    ``CsrfViewMiddleware`` reads it: the view is ``csrf_exempt`` for the
    middleware and checks CSRF itself (``csrf_protect``) once the handler is in
    place. ``functools.wraps`` in outer decorators (``association_view``)
    carries the ``csrf_exempt`` mark to the URL's view. Put this decorator
    *inside* ``association_view`` so membership is checked before the body is
    read.
    """

    def decorator(view):
        @csrf_protect
        def checked(request, *args, **kwargs):
            request.FILES  # noqa: B018 - parse the body now, through the handler
            refused = getattr(request, "refused_upload", None)
            if refused is not None:
                return render(request, "upload_too_large.html", {"refused": refused}, status=413)
            return view(request, *args, **kwargs)

        @csrf_exempt
        @wraps(view)
        def wrapper(request, *args, **kwargs):
            if request.method == "POST":
                request.upload_handlers.insert(0, FileSizeLimitHandler(request, max_bytes))
            return checked(request, *args, **kwargs)

        return wrapper

    return decorator
