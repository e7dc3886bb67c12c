"""Evidence files are accepted by their content, not their name: PDF, JPEG or PNG, at most 10 MB."""
from __future__ import annotations

import io
import math

import filetype
from django.conf import settings
from django.utils.translation import gettext as _
from PIL import Image, UnidentifiedImageError

from credentialing.exceptions import UploadRefused

ACCEPTED_TYPES = {"application/pdf": "PDF", "image/jpeg": "JPEG", "image/png": "PNG"}


def _looks_like_complete_pdf(head: bytes, tail: bytes) -> bool:
    return head.startswith(b"%PDF-") and b"%%EOF" in tail


def inspect_upload(upload) -> str:
    """Return the file's real content type, or refuse it with a message the applicant understands."""
    size = upload.size or 0
    limit = settings.MAX_UPLOAD_BYTES
    if size == 0:
        raise UploadRefused(_("The file “%(name)s” is empty.") % {"name": upload.name})
    if size > limit:
        raise UploadRefused(
            _("The file “%(name)s” is %(size)s MB; files may be at most %(limit)d MB.")
            % {"name": upload.name, "size": f"{math.ceil(size / 1024 / 1024 * 10) / 10:.1f}",
               "limit": limit // 1024 // 1024}
        )
    upload.seek(0)
    head = upload.read(8192)
    kind = filetype.guess(head)
    content_type = kind.mime if kind else ""
    if content_type not in ACCEPTED_TYPES:
        raise UploadRefused(
            _("The file “%(name)s” is not a PDF, JPEG or PNG document (whatever its name says). "
              "Please scan or export it as one of those.") % {"name": upload.name}
        )
    if content_type == "application/pdf":
        upload.seek(max(0, size - 2048))
        if not _looks_like_complete_pdf(head, upload.read()):
            raise UploadRefused(_("The PDF “%(name)s” is damaged or incomplete.") % {"name": upload.name})
    else:
        upload.seek(0)
        data = upload.read()
        try:
            with Image.open(io.BytesIO(data)) as image:
                image.verify()
            # verify() checks the structure only; decoding catches images cut short
            with Image.open(io.BytesIO(data)) as image:
                image.load()
        except (UnidentifiedImageError, OSError, SyntaxError, ValueError, Image.DecompressionBombError):
            raise UploadRefused(_("The image “%(name)s” is damaged or incomplete.") % {"name": upload.name}) from None
    upload.seek(0)
    return content_type
