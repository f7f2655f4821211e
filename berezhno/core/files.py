"""Uploaded files shared by every app that stores scans (documents, consents, agreements):
the size limit and the real content type read from the file's first bytes, and the default
storage, whose files follow the transaction they were written in."""

import logging

import filetype
from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.storage import FileSystemStorage
from django.db import DEFAULT_DB_ALIAS, connections, transaction
from django.utils.translation import gettext as _

logger = logging.getLogger(__name__)

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


# --------------------------------------------------------------------------- rollback
#
# A file field writes its file when the row is saved, inside the service's transaction; if
# the transaction then rolls back (a blocked person's write refused by the guard in
# ``audit.record_change``, a later validation, a lost race), the row is gone but the file
# would stay in storage, unlisted and undeletable by the destruction procedure. So the
# default storage records every file it writes inside a transaction with an on-commit
# marker: the marker runs if the write commits, and Django drops it, unrun, when the
# transaction or the savepoint it was written in rolls back. ``discard_rolled_back`` removes
# the files whose marker was dropped; it runs at the end of every request
# (``RequestContextMiddleware``) and before every write, and commands may call it.

_PENDING = "_berezhno_written_files"


class _Committed:
    """The on-commit marker of one written file: once it runs, the file is kept."""

    def __init__(self, connection, entry):
        self.connection, self.entry = connection, entry

    def __call__(self):
        pending = getattr(self.connection, _PENDING, [])
        if self.entry in pending:
            pending.remove(self.entry)


def _written_in_transaction(storage, name: str, using: str = DEFAULT_DB_ALIAS) -> None:
    connection = transaction.get_connection(using)
    if not connection.in_atomic_block:
        return  # autocommit: there is no transaction for the file to follow
    entry: list = [storage, name, None]
    entry[2] = marker = _Committed(connection, entry)
    connection.__dict__.setdefault(_PENDING, []).append(entry)
    transaction.on_commit(marker, using=using)


def discard_rolled_back() -> int:
    """Delete the files written in transactions (or savepoints) that have since rolled
    back; the number deleted. Files of transactions still open are left alone."""
    deleted = 0
    for connection in connections.all(initialized_only=True):
        pending = connection.__dict__.get(_PENDING)
        if not pending:
            continue
        # Django's entries are (savepoint ids, callback, robust).
        waiting = {id(item[1]) for item in connection.run_on_commit}
        kept = []
        for entry in pending:
            storage, name, marker = entry
            if id(marker) in waiting:
                kept.append(entry)
                continue
            try:
                storage.delete(name)
            except OSError:
                logger.warning("upload.discard_failed")
                continue
            deleted += 1
        connection.__dict__[_PENDING] = kept
    return deleted


class TransactionalStorageMixin:
    """A storage whose files follow the database transaction they were written in: a file
    written in a transaction that rolls back is deleted (``discard_rolled_back``)."""

    def _save(self, name, content):
        discard_rolled_back()
        name = super()._save(name, content)
        _written_in_transaction(self, name)
        return name


class TransactionalFileSystemStorage(TransactionalStorageMixin, FileSystemStorage):
    """The default storage (``STORAGES["default"]``): the file system, transactional."""
