"""Counting the statements a page sends, for tests that pin query counts."""

from __future__ import annotations

import contextlib
from collections.abc import Iterator

from django.db import connection
from django.test.utils import CaptureQueriesContext

_RESET_SCOPE = "SELECT set_config('app.association_id', '', true), set_config('app.cross_tenant', '', true)"


class PageQueries(CaptureQueriesContext):
    @property
    def statements(self) -> list[str]:
        """The statements sent, less those of the request's own transaction: in a test it is a
        savepoint inside the test's transaction, which the scope hands back its (empty) setting at
        the end; served, it is the request's BEGIN/COMMIT and neither is sent. Savepoints nested
        inside it (another scope opened during the request) are counted."""
        sqls = [q["sql"] for q in self.captured_queries]
        first = next((s for s in sqls if s.startswith("SAVEPOINT ")), None)
        if first is not None:
            name = first.removeprefix("SAVEPOINT ")
            sqls = [s for s in sqls if s not in (first, f"RELEASE SAVEPOINT {name}")]
        if sqls and sqls[-1] == _RESET_SCOPE:
            sqls = sqls[:-1]
        return sqls


@contextlib.contextmanager
def page_queries() -> Iterator[PageQueries]:
    with PageQueries(connection) as captured:
        yield captured
