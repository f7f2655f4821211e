"""Shared pytest fixtures: the territory tree, users in every role, and a consented person."""

import pytest

pytest_plugins = ["berezhno.testing.fixtures"]


@pytest.fixture(autouse=True)
def _media_root(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
