"""Checks of uploaded files shared by every app that stores scans (documents, consents,
agreements): the size limit and the real content type read from the file's first bytes."""

import filetype
from django.conf import settings
from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

ALLOWED_UPLOAD_TYPES = frozenset({
    "application/pdf", "image/jpeg", "image/png", "image/webp", "image/tiff", "image/heic",
})


def check_upload(upload) -> str:
    """Check size and real content type of an uploaded file; return the content type.

    The name and the type the browser sent are not trusted: the content decides.
    """
    if upload.size > settings.BEREZHNO_MAX_UPLOAD_BYTES:
        raise ValidationError(
            _("Файл слишком большой: не более %(mb)s МБ.")
            % {"mb": settings.BEREZHNO_MAX_UPLOAD_BYTES // (1024 * 1024)}
        )
    upload.seek(0)
    head = upload.read(262)
    upload.seek(0)
    kind = filetype.guess(head)
    if kind is None or kind.mime not in ALLOWED_UPLOAD_TYPES:
        raise ValidationError(_("Допустимы только PDF и изображения (JPEG, PNG, WEBP, TIFF)."))
    return kind.mime
