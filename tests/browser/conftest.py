"""The browser suite: Playwright for Python driving the machine's Chromium against a live server.

See support.py. tests/browser is a package, so this conftest and its helpers do not take the
module name `conftest` from the project's root conftest (which tests import `build_tenant` from).
"""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest

from .support import ARTEFACTS, BROWSER_DIR, CHROMIUM_SESSION, chromium_unavailable


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_teardown(item, nextitem):
    yield
    if nextitem is None or BROWSER_DIR not in Path(nextitem.path).parents:
        CHROMIUM_SESSION.stop()


@pytest.fixture(scope="session")
def _chromium_available():
    reason = chromium_unavailable()
    if reason:
        if os.environ.get("CI", "").lower() == "true":
            pytest.fail(f"CI needs the browser suite: {reason}", pytrace=False)
        pytest.skip(reason)
    shutil.rmtree(ARTEFACTS, ignore_errors=True)  # this run's screenshots only
    ARTEFACTS.mkdir(parents=True)
    yield
    CHROMIUM_SESSION.stop()


@pytest.fixture
def browser(_chromium_available):
    """The run's one Chromium: started by the first browser test, reused by the next ones."""
    return CHROMIUM_SESSION.start()


@pytest.fixture
def live_db(transactional_db, live_server):
    """The live server over a database that its requests commit to (flushed after the test).

    On SQLite the flush deletes row by row, which the audit trail's append-only trigger refuses:
    the test's audit rows are removed here with the trigger lifted for that one statement."""
    yield live_server
    from django.db import connection

    if connection.vendor == "sqlite":
        import importlib

        trigger = importlib.import_module("associations.migrations.0003_audit_append_only_trigger")
        with connection.cursor() as cursor:
            cursor.execute("DROP TRIGGER IF EXISTS audit_no_delete")
            cursor.execute("DELETE FROM associations_auditevent")
            cursor.execute(trigger.SQLITE_FORWARD[1])
