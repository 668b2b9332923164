"""The engine's reads run aside (``reports.stock.run_aside``): on PostgreSQL outside a transaction, for a large
scope, the stock statements and the moving members' queries run in threads on connections of their own while
the engine goes on; inside a transaction (whose uncommitted rows another connection could not see), for a
small scope and on SQLite they run in line. Either way the report is the same."""

from __future__ import annotations

import threading
from datetime import date

import pytest
from django.db import connection, transaction

from dangvu.reports import engine, stock
from dangvu.reports.engine import compute, records_for

postgres_only = pytest.mark.skipif(connection.vendor != "postgresql", reason="threads need PostgreSQL")
PERIODS = [(date(2018, 1, 1), date(2018, 12, 31)), (date(2018, 7, 15), date(2018, 8, 15))]


@pytest.fixture
def aside_threads(monkeypatch):
    """For each read run aside: True when it ran in a thread other than the caller's."""
    seen: list[bool] = []
    original = stock.run_aside

    def spy(fetch, **kwargs):
        caller = threading.current_thread()

        def wrapped():
            seen.append(threading.current_thread() is not caller)
            return fetch()

        return original(wrapped, **kwargs)

    monkeypatch.setattr(stock, "run_aside", spy)
    monkeypatch.setattr(engine, "run_aside", spy)
    return seen


def _rows(report, population):
    return [(r.key, r.label, r.day, r.organisation, r.description, r.attrs) for r in report.populations[population]]


@postgres_only
@pytest.mark.django_db(transaction=True)
def test_outside_a_transaction_reads_run_in_threads_and_give_the_same_report(committee, aside_threads,
                                                                             monkeypatch):
    # The committee has a handful of organisations: below the size that is worth a thread.
    aside_threads.clear()
    compute(committee.du, *PERIODS[0], compare=False, narrative=False)
    assert aside_threads == [False, False]
    monkeypatch.setattr(stock, "ASIDE_MIN_ORGANISATIONS", 1)
    for root in (committee.du, committee.b1, committee.c3):
        for period in PERIODS:
            aside_threads.clear()
            aside = compute(root, *period, compare=False, narrative=False)
            assert aside_threads == [True, True], (root.code, period)  # stock statements, moving members
            monkeypatch.setattr(stock, "CONCURRENT", False)
            aside_threads.clear()
            inline = compute(root, *period, compare=False, narrative=False)
            assert aside_threads == [False, False]
            monkeypatch.setattr(stock, "CONCURRENT", True)
            assert aside.figures == inline.figures, (root.code, period)
            assert aside.figures["members.closing"] > 0 or root == committee.c3
            for population in ("opening", "closing", "admissions", "flows", "recognitions"):
                assert _rows(aside, population) == _rows(inline, population), (root.code, period, population)
            assert [r.key for r in records_for(aside, "members.closing.female")] == [
                r.key for r in records_for(inline, "members.closing.female")]


@postgres_only
@pytest.mark.django_db(transaction=True)
def test_an_error_in_a_read_run_aside_reaches_the_caller():
    def broken():
        with connection.cursor() as cursor:
            cursor.execute("SELECT * FROM no_such_table_h2b")

    result = stock.run_aside(broken)
    with pytest.raises(Exception, match="no_such_table_h2b"):
        result()


@pytest.mark.django_db
def test_inside_a_transaction_reads_run_in_line(committee, aside_threads):
    """Another connection could not see this transaction's rows: nothing may run in a thread."""
    with transaction.atomic():
        report = compute(committee.du, *PERIODS[0], compare=False, narrative=False)
    assert aside_threads == [False, False]
    assert report.figures["members.closing"] == 6 and report.figures["members.opening"] == 4
