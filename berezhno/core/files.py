"""Uploaded files shared by every app that stores scans (documents, consents, agreements):
the size limit and the real content type read from the file's first bytes, and the default
storage, whose files follow the transaction they were written in."""

import logging
import threading
import weakref

import filetype
from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.storage import FileSystemStorage
from django.db import DEFAULT_DB_ALIAS, transaction
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
# default storage registers every file it writes inside a transaction with an on-commit
# marker: Django runs the marker if the write commits, and drops it, unrun, when the
# transaction or the savepoint it was written in rolls back (or the connection closes in
# it). The marker is held by Django's list of commit hooks only, so dropping it ends it
# there and then, and its finaliser deletes the file: the cleanup happens at the rollback
# itself — in a request, a management command, a shell or a test alike, with no sweep to
# wait for. A deletion that fails (the disk) is retried by ``discard_rolled_back``, which
# the request middleware runs at the end of every request and a command may call.

_retry: list[tuple[object, str]] = []  # (storage, name) whose deletion failed
_retry_lock = threading.Lock()


class _Committed:
    """The on-commit marker of one written file: run, it keeps the file; dropped unrun,
    its finaliser (``_dropped``) deletes it."""

    __slots__ = ("__weakref__", "state")

    def __init__(self, state: list[bool]):
        self.state = state

    def __call__(self) -> None:
        self.state[0] = True


def _dropped(storage, name: str, state: list[bool]) -> None:
    """The marker is gone: kept if it ran (the write committed), else deleted now."""
    if state[0]:
        return
    try:
        storage.delete(name)
    except Exception:  # a finaliser must not raise: the deletion is retried later
        logger.warning("upload.discard_failed")
        with _retry_lock:
            _retry.append((storage, name))


def _written_in_transaction(storage, name: str, using: str = DEFAULT_DB_ALIAS) -> None:
    connection = transaction.get_connection(using)
    if not connection.in_atomic_block:
        return  # autocommit: there is no transaction for the file to follow
    state = [False]
    marker = _Committed(state)
    # The finaliser holds the storage, the name and the state, never the marker itself.
    weakref.finalize(marker, _dropped, storage, name, state)
    transaction.on_commit(marker, using=using)


def discard_rolled_back() -> int:
    """Retry the deletions of rolled-back files that failed when the rollback happened;
    the number deleted now. (The deletion itself happens at the rollback.)"""
    with _retry_lock:
        waiting, _retry[:] = list(_retry), []
    deleted = 0
    for storage, name in waiting:
        try:
            storage.delete(name)  # type: ignore[attr-defined]
        except OSError:
            logger.warning("upload.discard_failed")
            with _retry_lock:
                _retry.append((storage, name))
            continue
        deleted += 1
    return deleted


class TransactionalStorageMixin:
    """A storage whose files follow the database transaction they were written in: a file
    written in a transaction that rolls back is deleted at the rollback."""

    def _save(self, name, content):
        name = super()._save(name, content)
        _written_in_transaction(self, name)
        return name


class TransactionalFileSystemStorage(TransactionalStorageMixin, FileSystemStorage):
    """The default storage (``STORAGES["default"]``): the file system, transactional."""
