"""Hand-built read statements: for the report's counting paths, where the ORM's building of a query costs
more than the database's answering it (a small scope's report runs some twenty short statements).

Only for reads; parameters always go as parameters (never into the text), adapted the way the ORM adapts
them, so that the same statement runs on PostgreSQL and SQLite; the values read back are turned into the
Python types the ORM would give (SQLite returns dates as text).
"""

from __future__ import annotations

from datetime import date, datetime

from django.db import connection


def table(model) -> str:
    """The quoted table name of ``model``."""
    return connection.ops.quote_name(model._meta.db_table)


def day_param(value: date):
    return connection.ops.adapt_datefield_value(value)


def instant_param(value: datetime):
    return connection.ops.adapt_datetimefield_value(value)


def ids_sql(column: str, ids) -> str:
    """``column IN (…)`` for integer ids written into the text (they are ints, not user input); ``1 = 0`` when
    there are none (as the ORM answers an empty ``__in``)."""
    listed = ", ".join(str(int(pk)) for pk in sorted(ids))
    return f"{column} IN ({listed})" if listed else "1 = 0"


def as_day(value) -> date | None:
    """A date column's value as a ``date`` (SQLite gives ``'YYYY-MM-DD'``)."""
    if value is None or isinstance(value, date):
        return value
    return date.fromisoformat(value)


def fetch(sql: str, params: list | tuple = (), *, days: tuple[int, ...] = (), flags: tuple[int, ...] = ()) -> list[tuple]:
    """The rows of ``sql``; on SQLite the columns at positions ``days`` become dates and those at ``flags``
    booleans, as the ORM would give them (PostgreSQL gives them so already)."""
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        rows = cursor.fetchall()
    if connection.vendor == "postgresql" or not (days or flags) or not rows:
        return rows
    converted = []
    for row in rows:
        row = list(row)
        for index in days:
            row[index] = as_day(row[index])
        for index in flags:
            if row[index] is not None:
                row[index] = bool(row[index])
        converted.append(tuple(row))
    return converted
