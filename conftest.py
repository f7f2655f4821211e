"""Shared pytest fixtures: the territory tree, users in every role, and a consented person.

``berezhno.testing.shared_db`` builds the world once per test module and gives every test
its own media root (see its docstring)."""

pytest_plugins = ["berezhno.testing.shared_db", "berezhno.testing.fixtures"]
