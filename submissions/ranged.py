"""Read a stored zip by byte ranges: one entry out of a 1 GiB upload on S3 without fetching it all.

django-storages' S3 file downloads the whole object on the first read. A preview
needs a local header and one entry's compressed bytes, so on S3 the workspace
reads through `RangeReader` (HTTP Range requests, buffered) instead; on local
storage the file itself is opened.
"""

from __future__ import annotations

import io

BUFFER = 1024 * 1024


class RangeReader(io.RawIOBase):
    """A seekable, read-only file over an S3 object (boto3 `Object`), fetched by ranges."""

    def __init__(self, obj):
        self._obj = obj
        self._size = obj.content_length
        self._pos = 0
        self.requests = 0

    def readable(self) -> bool:
        return True

    def seekable(self) -> bool:
        return True

    def tell(self) -> int:
        return self._pos

    def seek(self, offset: int, whence: int = io.SEEK_SET) -> int:
        base = {io.SEEK_SET: 0, io.SEEK_CUR: self._pos, io.SEEK_END: self._size}[whence]
        self._pos = max(base + offset, 0)
        return self._pos

    def readinto(self, buffer) -> int:
        if self._pos >= self._size or len(buffer) == 0:
            return 0
        end = min(self._pos + len(buffer), self._size) - 1
        body = self._obj.get(Range=f"bytes={self._pos}-{end}")["Body"].read()
        self.requests += 1
        n = len(body)
        buffer[:n] = body
        self._pos += n
        return n


def open_stored(file):
    """A seekable binary file for a stored FileField: ranged on S3, the file itself locally."""
    storage = file.storage
    bucket = getattr(storage, "bucket", None)
    if bucket is None:
        return file.storage.open(file.name, "rb")
    from botocore.exceptions import ClientError
    from storages.utils import clean_name

    obj = bucket.Object(storage._normalize_name(clean_name(file.name)))
    try:
        raw = RangeReader(obj)
    except ClientError as error:
        raise FileNotFoundError(file.name) from error
    return io.BufferedReader(raw, buffer_size=BUFFER)
