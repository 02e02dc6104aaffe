"""Private file storage: the S3 options settings use, and how a private file is handed out."""

from __future__ import annotations

import mimetypes

from django.core.files.storage import default_storage
from django.http import FileResponse, HttpResponseRedirect


def s3_storage_options(
    *,
    bucket: str,
    endpoint_url: str | None,
    region: str,
    access_key: str | None,
    secret_key: str | None,
    addressing_style: str = "auto",
    link_seconds: int = 300,
) -> dict:
    """django-storages S3 options: private objects, no overwrites, short-lived signed links.

    https://django-storages.readthedocs.io/en/latest/backends/amazon-S3.html
    """
    return {
        "bucket_name": bucket,
        "endpoint_url": endpoint_url or None,
        "region_name": region,
        "access_key": access_key or None,
        "secret_key": secret_key or None,
        "addressing_style": addressing_style,
        "signature_version": "s3v4",
        "default_acl": "private",
        "querystring_auth": True,
        "querystring_expire": link_seconds,
        "file_overwrite": False,
    }


def _is_local(storage) -> bool:
    try:
        storage.path("probe")
    except NotImplementedError:
        return False
    return True


def private_file_response(
    file, *, download_name: str, inline: bool = True, storage=None, content_type: str = ""
):
    """Answer a request for a private file the caller has already checked access to.

    On S3 the browser is redirected to a short-lived signed link (the web process
    does not stream the bytes); on local storage the file is streamed.
    ``content_type``: what the file was found to be (else guessed from the name).
    """
    storage = storage or default_storage
    content_type = (
        content_type or mimetypes.guess_type(download_name)[0] or "application/octet-stream"
    )
    if not _is_local(storage):
        disposition = "inline" if inline else "attachment"
        return HttpResponseRedirect(
            storage.url(
                file.name,
                parameters={
                    "ResponseContentDisposition": f'{disposition}; filename="{download_name}"',
                    "ResponseContentType": content_type,
                },
            )
        )
    response = FileResponse(
        storage.open(file.name, "rb"),
        as_attachment=not inline,
        filename=download_name,
        content_type=content_type,
    )
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "private, no-store"
    return response
