"""The tus v1.0.0 core protocol for resumable uploads, as plain Django responses.

https://tus.io/protocols/resumable-upload — core (HEAD, PATCH, OPTIONS) with the
creation, termination and expiration extensions. The views in `views.py` check
who may upload what (association, employer, audit) and call these.

* The database's `Upload.offset` is the truth: a PATCH first cuts the temporary
  file back to it (bytes written by a request that died before saving the
  offset are dropped), appends, and saves the new offset even when the
  client disconnects half-way — the next HEAD says where to resume from.
  Only the last PATCH fsyncs (the finished file must be durable before it
  becomes a submission); should a machine crash lose unflushed bytes the
  database counted, the file is shorter than the offset and both HEAD and
  PATCH fall back to the file's size.
* The size limit is enforced before and while bytes arrive: a declared length
  over the association's limit is refused at creation (413), and no PATCH
  may carry bytes past the declared length (413) — reading stops there.
* One request at a time per upload (a non-blocking file lock; a second gets 423).
* SHA-256, computed while the bytes stream in: a PATCH from offset 0 starts a
  hash, and this process keeps it (a small bounded cache keyed by upload and
  offset) for the upload's next PATCH. When the next PATCH lands on another
  process or after a restart (a hash state cannot be persisted or moved), the
  finished file is hashed once more from the temporary file at completion —
  one extra sequential read, measured in bench/upload.py.
"""

from __future__ import annotations

import base64
import binascii
import fcntl
import hashlib
import logging
import os
from collections import OrderedDict
from datetime import timedelta

from django.conf import settings
from django.core.exceptions import ValidationError
from django.http import HttpResponse, JsonResponse
from django.utils import timezone
from django.utils.http import http_date

from . import selectors, services
from .models import Upload, UploadStatus

logger = logging.getLogger(__name__)

VERSION = "1.0.0"
EXTENSIONS = "creation,termination,expiration"
CHUNK = 1024 * 1024
_HASHERS: OrderedDict[str, tuple[int, object]] = OrderedDict()
_HASHERS_MAX = 64


def _hasher_for(upload_id, offset: int):
    """The running hash of bytes [0, offset) if this process has it, else None."""
    if offset == 0:
        return hashlib.sha256()
    cached = _HASHERS.pop(str(upload_id), None)
    if cached is not None and cached[0] == offset:
        return cached[1]
    return None


def _keep_hasher(upload_id, offset: int, hasher) -> None:
    _HASHERS[str(upload_id)] = (offset, hasher)
    while len(_HASHERS) > _HASHERS_MAX:
        _HASHERS.popitem(last=False)


def _response(status: int = 204, **headers) -> HttpResponse:
    response = HttpResponse(status=status)
    response["Tus-Resumable"] = VERSION
    response["Cache-Control"] = "no-store"
    for name, value in headers.items():
        response[name.replace("_", "-")] = str(value)
    return response


def _error(status: int, message: str) -> HttpResponse:
    """A refusal the browser can show: plain text, tus headers kept."""
    response = HttpResponse(message, status=status, content_type="text/plain; charset=utf-8")
    response["Tus-Resumable"] = VERSION
    return response


def options(max_bytes: int) -> HttpResponse:
    return _response(204, Tus_Version=VERSION, Tus_Extension=EXTENSIONS, Tus_Max_Size=max_bytes)


def _version_ok(request) -> bool:
    return request.headers.get("Tus-Resumable") == VERSION


def parse_metadata(header: str) -> dict[str, str]:
    """`Upload-Metadata: filename ZXhhbXBsZS56aXA=,type …` → {"filename": "example.zip", …}."""
    found = {}
    for pair in filter(None, (p.strip() for p in header.split(","))):
        key, _, value = pair.partition(" ")
        try:
            found[key] = base64.b64decode(value, validate=True).decode("utf-8") if value else ""
        except (binascii.Error, UnicodeDecodeError):
            raise ValueError(f"Upload-Metadata value of {key!r} is not base64 UTF-8") from None
    return found


def _int_header(request, name: str) -> int | None:
    value = request.headers.get(name, "")
    return int(value) if value.isdigit() else None


def create(request, *, location, **target) -> HttpResponse:
    """POST: a new upload for `target` (employer, audit, kind, program); 201 + Location."""
    if not _version_ok(request):
        return _error(412, "Tus-Resumable 1.0.0 is required.")
    length = _int_header(request, "Upload-Length")
    if length is None:
        return _error(400, "Upload-Length is required (deferred lengths are not supported).")
    try:
        metadata = parse_metadata(request.headers.get("Upload-Metadata", ""))
    except ValueError as error:
        return _error(400, str(error))
    try:
        upload = services.upload_create(
            **target,
            actor=request.user,
            length=length,
            filename=metadata.get("filename", "upload.zip"),
            metadata=metadata,
        )
    except ValidationError as error:
        status = 413 if getattr(error, "code", "") == "too_large" else 403
        return _error(status, " ".join(error.messages))
    selectors.upload_temp_path(upload).touch()
    return _response(
        201,
        Location=request.build_absolute_uri(location(upload)),
        Upload_Expires=http_date(upload.expires_at.timestamp()),
    )


def _save_offset(upload: Upload, offset: int) -> None:
    Upload.objects.for_association(upload.association).filter(pk=upload.pk).update(
        offset=offset,
        updated_at=timezone.now(),
        expires_at=timezone.now() + timedelta(hours=settings.SUBMISSIONS_UPLOAD_EXPIRY_HOURS),
    )
    upload.offset = offset


def head(upload: Upload) -> HttpResponse:
    if upload.status == UploadStatus.ABANDONED:
        return _error(410, "This upload expired or was cancelled; start again.")
    offset = upload.offset
    if upload.status == UploadStatus.RECEIVING:
        path = selectors.upload_temp_path(upload)
        offset = min(offset, path.stat().st_size if path.exists() else 0)
    return _response(
        200,
        Upload_Offset=offset,
        Upload_Length=upload.length,
        Upload_Expires=http_date(upload.expires_at.timestamp()),
    )


def delete(upload: Upload) -> HttpResponse:
    """Termination: the client cancelled; the bytes are dropped."""
    if upload.status == UploadStatus.RECEIVING:
        Upload.objects.for_association(upload.association).filter(
            pk=upload.pk, status=UploadStatus.RECEIVING
        ).update(status=UploadStatus.ABANDONED)
        selectors.upload_temp_path(upload).unlink(missing_ok=True)
    return _response(204)


def patch(request, upload: Upload) -> HttpResponse:
    """Append the body at `Upload-Offset`; on the last byte, the submission is written."""
    if not _version_ok(request):
        return _error(412, "Tus-Resumable 1.0.0 is required.")
    if request.content_type != "application/offset+octet-stream":
        return _error(415, "Content-Type must be application/offset+octet-stream.")
    if upload.status == UploadStatus.ABANDONED:
        return _error(410, "This upload expired or was cancelled; start again.")
    if upload.status == UploadStatus.COMPLETE:
        return _response(204, Upload_Offset=upload.length)
    offset = _int_header(request, "Upload-Offset")
    if offset is None or offset != upload.offset:
        return _error(409, f"Upload-Offset must be {upload.offset}.")
    declared = _int_header(request, "Content-Length")
    if declared is not None and offset + declared > upload.length:
        return _error(
            413,
            f"This request would pass the upload's declared length of {upload.length} bytes.",
        )
    path = selectors.upload_temp_path(upload)
    try:
        fd = os.open(path, os.O_RDWR | os.O_CREAT, 0o600)
    except OSError:
        logger.exception("cannot open upload file %s", path)
        return _error(500, "The server could not store the upload; try again later.")
    with os.fdopen(fd, "r+b") as fh:
        try:
            fcntl.flock(fh, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            return _error(423, "Another request is sending this upload.")
        # Re-read under the lock: another request may have moved the offset.
        upload.refresh_from_db(fields=["offset", "status"])
        if upload.offset != offset:
            return _error(409, f"Upload-Offset must be {upload.offset}.")
        on_disk = os.fstat(fh.fileno()).st_size
        if on_disk < offset:
            # Bytes the database counted never reached the disk (a machine
            # crash before they were flushed): resume from what is there.
            _save_offset(upload, on_disk)
            return _error(409, f"Upload-Offset must be {on_disk}.")
        fh.truncate(offset)
        fh.seek(offset)
        hasher = _hasher_for(upload.pk, offset)
        received, too_long = _copy_body(request, fh, hasher, room=upload.length - offset)
        fh.flush()
        new_offset = offset + received
        if new_offset == upload.length:
            # Durable before it becomes a submission; partial chunks are not
            # fsynced (a crash is caught by the size check above).
            os.fsync(fh.fileno())
        _save_offset(upload, new_offset)
        if too_long:
            return _error(413, f"The upload passed its declared length of {upload.length} bytes.")
        if new_offset < upload.length:
            if hasher is not None:
                _keep_hasher(upload.pk, new_offset, hasher)
            return _response(204, Upload_Offset=new_offset)
        sha256 = hasher.hexdigest() if hasher is not None else None
    return _complete(request, upload, sha256)


def _copy_body(request, fh, hasher, *, room: int) -> tuple[int, bool]:
    """Stream the request body into `fh`; (bytes kept, whether the body went past `room`)."""
    received = 0
    while True:
        try:
            chunk = request.read(CHUNK)
        except OSError:
            # The client went away: keep what arrived, the next HEAD says where to resume.
            logger.info("upload interrupted after %s bytes", received)
            return received, False
        if not chunk:
            return received, False
        if received + len(chunk) > room:
            keep = chunk[: room - received]
            fh.write(keep)
            if hasher is not None:
                hasher.update(keep)
            return received + len(keep), True
        fh.write(chunk)
        if hasher is not None:
            hasher.update(chunk)
        received += len(chunk)


def file_sha256(path) -> str:
    hasher = hashlib.sha256()
    with open(path, "rb") as fh:
        while chunk := fh.read(CHUNK):
            hasher.update(chunk)
    return hasher.hexdigest()


def _complete(request, upload: Upload, sha256: str | None) -> HttpResponse:
    if sha256 is None:
        sha256 = file_sha256(selectors.upload_temp_path(upload))
    try:
        outcome = services.submission_create_from_upload(
            upload=upload, sha256=sha256, actor=request.user
        )
    except ValidationError as error:
        # The bytes arrived (a 204 for the protocol); the refusal is the upload's
        # outcome, read by the page through `status_json`.
        services.upload_refuse(upload=upload, message=" ".join(error.messages))
        return _response(204, Upload_Offset=upload.length)
    response = _response(204, Upload_Offset=upload.length)
    response["Upload-Submission"] = str(outcome.submission.pk)
    return response


def status_json(upload: Upload, *, submission_url) -> JsonResponse:
    """Not tus: what became of a finished upload, for the page to show (GET)."""
    data = {
        "offset": upload.offset,
        "length": upload.length,
        "status": upload.status,
        "error": upload.outcome.get("error", ""),
    }
    if upload.submission_id is not None:
        outcome = services.UploadOutcome(
            upload.submission, duplicate=upload.outcome.get("duplicate", False)
        )
        data.update(
            submission_url=submission_url(upload.submission),
            duplicate=outcome.duplicate,
            message=outcome.message(),
        )
    response = JsonResponse(data)
    response["Cache-Control"] = "no-store"
    return response
