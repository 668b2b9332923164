"""Stock populations counted in SQL: the members in R's scope on one day (opening, closing).

A stock population has tens of thousands of members, so its figures are not counted from Python records:
one SQL statement builds the stock (``MembershipSpell`` active on the day ⨝ the organisations in scope
that day ⨝ the member's profile and dated values) and counts it with one ``GROUP BY``
per *shape* of the registry (the sorted attribute names a figure matches on, see ``shapes``). The
attributes are declared once in ``ATTRIBUTES`` with their SQL expression; they are the very attributes
``engine._person_attrs`` gives a Python record, so a figure counts the same thing on both paths
(``tests/reports/test_engine.py`` compares them). A drill-down asks the same statement for the rows that
match one figure (``records``), never for the whole stock unless that is what was asked.

Adding a figure on ``opening``/``closing`` that matches existing attributes is one ``define`` in
``figures.py``; a figure on a new attribute also needs that attribute here and in ``engine._person_attrs``.
"""

from __future__ import annotations

import calendar
import re
from collections import Counter, defaultdict
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from datetime import date, datetime
from operator import itemgetter

from django.db import connection, connections, transaction

from dangvu.codes.data import AGE_BANDS
from dangvu.members.models import (
    ACTIVE_STATUSES,
    BOOLEAN_ATTRIBUTES,
    LedgerEvent,
    Member,
    MembershipSpell,
    MemberValue,
)
from dangvu.organisations.models import OrganisationSpell
from dangvu.reports.figures import OCCUPATION_GROUPS, REGISTRY
from dangvu.reports.scope import LineageScope

VALUE_ATTRIBUTES = ("occupation", "general_education", "professional", "academic_title", "political_theory",
                    "is_business_owner", "is_youth_union_member", "has_foreign_spouse")
# Dated values with a current column on ``Member`` (the latest value not voided, by valid_from then id, or
# the field's default when there is none), which the members services keep in the same transaction as the
# value (``member_set_value``, ``member_void_value``, ``member_admit_many``). For a member with no value of
# these attributes valid after the day, that column *is* the value on the day; see ``StockQuery.stock_sql``.
CURRENT_COLUMNS = ("occupation", "general_education", "professional", "political_theory", "is_business_owner",
                   "is_youth_union_member", "has_foreign_spouse")
# ``False`` turns the shortcut off (every value from the dated history): the tests compare both.
CURRENT_VALUE_COLUMNS = True


@dataclass(frozen=True)
class Attribute:
    """One record attribute as SQL over the raw row ``r`` (see ``_RAW``); ``raw`` lists what it reads."""

    sql: str | Callable[[date], str]  # a callable gets the day of the stock
    raw: tuple[str, ...]
    kind: str = "text"  # "text", "bool" (SQL gives '1'/'0') or "int"

    def sql_on(self, day: date) -> str:
        return self.sql(day) if callable(self.sql) else self.sql

    def decode(self, value):
        if value is None:
            return None
        if self.kind == "bool":
            return str(value) in ("1", "true", "t", "True")
        if self.kind == "int":
            return int(value)
        return str(value)

    def encode(self, value) -> str | None:
        if value is None:
            return None
        if self.kind == "bool":
            return "1" if value else "0"
        return str(value)


def _coded(raw: str) -> str:
    return f"COALESCE(NULLIF(r.{raw}, ''), 'unknown')"


def _flag(raw: str) -> str:
    return f"CASE WHEN r.{raw} = '1' THEN '1' ELSE '0' END"


def _occupation_group() -> str:
    whens = " ".join(
        f"WHEN {_coded('v_occupation')} IN ({', '.join(repr(c) for c in codes)}) THEN '{group}'"
        for group, (_label, codes) in OCCUPATION_GROUPS.items())
    return f"CASE {whens} ELSE NULL END"


def _born_by(day: date, years: int) -> str:
    """The last birth date of someone ``years`` old or more on ``day`` (``common.dates.age_in_years``:
    a year short until the birthday by month and day; 29/2 counts as 28/2 in other years)."""
    year = day.year - years
    return date(year, day.month, min(day.day, calendar.monthrange(year, day.month)[1])).isoformat()


def _age_band(day: date) -> str:
    # Compares the birth date with dates: no per-row date arithmetic.
    whens = " ".join(f"WHEN r.date_of_birth <= '{_born_by(day, low)}' AND r.date_of_birth > '{_born_by(day, high + 1)}' "
                     f"THEN '{code}'" for code, _l, low, high in AGE_BANDS)
    return f"CASE WHEN r.date_of_birth IS NULL THEN 'unknown' {whens} ELSE 'unknown' END"


# Same eras as engine._join_era. The day joined is ``Member.admitted_on``: the ledger derives it as the first
# admission decision (``ledger.replay``: ``first_admitted_on``; for a member received from outside, the
# admission date on the transfer), which is what ``engine._first_admissions`` reads from the events; the
# members counted here are those whose ledger as known at ``as_of`` is their ledger now.
_JOINED = ("CASE WHEN r.joined_on IS NULL THEN 'unknown' WHEN r.joined_on < '1945-08-19' THEN 'before_1945' "
           "WHEN r.joined_on <= '1954-07-20' THEN '1945_1954' WHEN r.joined_on <= '1975-04-30' THEN '1954_1975' "
           "ELSE 'from_1975' END")

ATTRIBUTES: dict[str, Attribute] = {
    "gender": Attribute("r.gender", ("gender",)),
    "ethnicity": Attribute("r.ethnicity", ("ethnicity",)),
    "religion": Attribute("r.religion", ("religion",)),
    "ethnic_minority": Attribute("CASE WHEN r.ethnicity IN ('kinh', 'unknown') THEN '0' ELSE '1' END",
                                 ("ethnicity",), "bool"),
    "religious": Attribute("CASE WHEN r.religion IN ('none', 'unknown') THEN '0' ELSE '1' END", ("religion",), "bool"),
    "occupation": Attribute(_coded("v_occupation"), ("v_occupation",)),
    "occupation_group": Attribute(_occupation_group(), ("v_occupation",)),
    "general_education": Attribute(_coded("v_general_education"), ("v_general_education",)),
    "professional": Attribute(_coded("v_professional"), ("v_professional",)),
    "academic_title": Attribute(_coded("v_academic_title"), ("v_academic_title",)),
    "political_theory": Attribute(_coded("v_political_theory"), ("v_political_theory",)),
    "business_owner": Attribute(_flag("v_is_business_owner"), ("v_is_business_owner",), "bool"),
    "youth_union": Attribute(_flag("v_is_youth_union_member"), ("v_is_youth_union_member",), "bool"),
    "foreign_spouse": Attribute(_flag("v_has_foreign_spouse"), ("v_has_foreign_spouse",), "bool"),
    "age": Attribute("r.age", ("age",), "int"),
    "age_band": Attribute(_age_band, ("date_of_birth",)),
    "status": Attribute("r.status", ("status",)),
    "exempted": Attribute("CASE WHEN r.is_exempted THEN '1' ELSE '0' END", ("is_exempted",), "bool"),
    "joined": Attribute(_JOINED, ("joined_on",)),
}
# The attributes of a drilled record of each stock population (the attrs engine gives a Python record).
RECORD_ATTRIBUTES = {"opening": ("status",), "closing": tuple(ATTRIBUTES)}
DESCRIPTIONS = {"opening": "Đầu kỳ", "closing": "Cuối kỳ"}
STOCK_POPULATIONS = tuple(RECORD_ATTRIBUTES)
# ``run_aside`` may run reads in a thread (PostgreSQL, outside a transaction, a scope of at least
# ``ASIDE_MIN_ORGANISATIONS`` organisations).
CONCURRENT = True
ASIDE_MIN_ORGANISATIONS = 200


_SHAPES: dict[tuple[str, int], tuple] = {}


def shapes(population: str) -> tuple[set[tuple[str, ...]], set[tuple[tuple[str, ...], str]]]:
    """What the registry counts on ``population``: the key sets of its count figures and the (key set,
    value attribute) of its means. Each key set is one ``GROUP BY``. Worked out once per population (again
    if a figure is defined later: the registry only grows); callers must not change the sets."""
    key = (population, len(REGISTRY))
    found = _SHAPES.get(key)
    if found is None:
        found = _SHAPES[key] = _shapes(population)
    return found


def _shapes(population: str) -> tuple[set[tuple[str, ...]], set[tuple[tuple[str, ...], str]]]:
    counts: set[tuple[str, ...]] = set()
    means: set[tuple[tuple[str, ...], str]] = set()
    for figure in REGISTRY.values():
        if figure.population != population:
            continue
        keys = tuple(name for name, _v in figure.match)
        if figure.kind == "mean":
            means.add((keys, figure.value))
        else:
            counts.add(keys)
    return counts, means


def _check_registry() -> None:
    for population in STOCK_POPULATIONS:
        counts, means = shapes(population)
        used = {k for keys in counts for k in keys} | {k for keys, v in means for k in (*keys, v)}
        unknown = used - set(ATTRIBUTES)
        assert not unknown, f"figures on {population} use attributes without SQL in reports.stock: {unknown}"


_check_registry()


class Tally:
    """Counts of a population by key set: ``counts[keys][values] = n``; means as [sum, n] of a value."""

    def __init__(self):
        self.counts: dict[tuple[str, ...], Counter] = defaultdict(Counter)
        self.sums: dict[tuple[tuple[str, ...], str], dict[tuple, list]] = defaultdict(lambda: defaultdict(
            lambda: [0, 0]))

    def add_records(self, records, counts, means) -> Tally:
        attrs = [record.attrs for record in records]
        for keys in counts:
            counter = self.counts[keys]
            if not keys:
                if attrs:
                    counter[()] += len(attrs)
                continue
            try:
                # Every record has the attributes (the usual case): counted by ``itemgetter``, without a
                # Python call per record; a missing attribute counts as None, as ``attrs.get`` gives it.
                found = Counter(map(itemgetter(*keys), attrs))
            except KeyError:
                counter.update(tuple(a.get(k) for k in keys) for a in attrs)
                continue
            if len(keys) == 1:
                for value, n in found.items():
                    counter[(value,)] += n
            else:
                counter.update(found)
        for keys, value in means:
            sums = self.sums[(keys, value)]
            for record in records:
                number = record.attrs.get(value)
                if number is not None:
                    entry = sums[tuple(record.attrs.get(k) for k in keys)]
                    entry[0] += number
                    entry[1] += 1
        return self

    def count(self, keys: tuple[str, ...], values: tuple) -> int:
        return self.counts.get(keys, Counter())[values]

    def mean(self, keys: tuple[str, ...], values: tuple, value: str) -> float | int:
        total, n = self.sums.get((keys, value), {}).get(values, (0, 0))
        return round(total / n, 1) if n else 0


@dataclass
class StockQuery:
    """Where the stock comes from: scope, instant, and which ledgers are left to the Python path."""

    scope: LineageScope
    as_of: datetime
    current: bool  # values and first admissions: only the void flag (spells path), else "known at as_of"
    exclude_changed_after: bool  # leave out members whose ledger changed after as_of (replayed in Python)

    # SQL ------------------------------------------------------------------------------------------

    def _scope_sql(self, column: str, day: date) -> tuple[str, list]:
        """``column`` (an organisation id) is inside R on ``day``, lineage included (``LineageScope.contains``)."""
        scope = self.scope
        ops = connection.ops
        parts, params = [], []
        root_path = scope.path_on(scope.root.pk, day)
        if scope.current and root_path and re.fullmatch(r"[0-9.]+", root_path):
            parts.append(f"{column} IN (SELECT os.organisation_id FROM {_t(OrganisationSpell)} os "
                         "WHERE os.valid_from <= %s AND (os.valid_to IS NULL OR os.valid_to > %s) AND os.path LIKE %s)")
            params += [ops.adapt_datefield_value(day), ops.adapt_datefield_value(day), root_path + "%"]
            extras = scope.lineage_extras(day)
        else:
            # The tree as known at an earlier instant (or no path): the organisations inside that day by id.
            extras = scope.ids_on(day)
        if extras:
            parts.append(f"{column} IN ({', '.join(str(int(pk)) for pk in sorted(extras))})")
        return ("(" + " OR ".join(parts) + ")" if parts else "1 = 0"), params

    def _known(self, alias: str) -> tuple[str, list]:
        if self.current:
            return f"{alias}.voided_at IS NULL", []
        value = connection.ops.adapt_datetimefield_value(self.as_of)
        return f"{alias}.recorded_at <= %s AND ({alias}.voided_at IS NULL OR {alias}.voided_at > %s)", [value, value]

    def _age(self, day: date) -> str:
        if connection.vendor == "sqlite":
            year = "CAST(strftime('%%Y', m.date_of_birth) AS INTEGER)"
            month_day = "CAST(strftime('%%m%%d', m.date_of_birth) AS INTEGER)"
        else:
            # date_part (float) rather than EXTRACT (numeric since PostgreSQL 14): several times cheaper.
            year = "CAST(date_part('year', m.date_of_birth) AS INTEGER)"
            month_day = ("(CAST(date_part('month', m.date_of_birth) AS INTEGER) * 100 "
                         "+ CAST(date_part('day', m.date_of_birth) AS INTEGER))")
        # common.dates.age_in_years: whole years, a year short until the birthday (by month and day).
        return (f"({int(day.year)} - {year} - CASE WHEN {month_day} > {int(day.month * 100 + day.day)} "
                "THEN 1 ELSE 0 END)")

    def stock_sql(self, day: date, attributes, *, label: bool = False) -> tuple[str, list]:
        """``WITH …, stock AS (…)``: one row per member in the stock on ``day`` with ``member_id``,
        ``organisation_id``, (``label``) and ``a_<name>`` for each of ``attributes``."""
        ops = connection.ops
        params: list = []
        raw_needed = {raw for name in attributes for raw in ATTRIBUTES[name].raw}
        values = [a for a in VALUE_ATTRIBUTES if f"v_{a}" in raw_needed]
        member = label or bool(raw_needed & {"gender", "ethnicity", "religion", "age", "date_of_birth", "joined_on"})

        scope_sql, scope_params = self._scope_sql("ms.organisation_id", day)
        active = ", ".join(f"'{s}'" for s in ACTIVE_STATUSES)
        base = (f"SELECT ms.member_id AS member_id, ms.organisation_id AS organisation_id, ms.status AS status, "
                f"ms.is_exempted AS is_exempted FROM {_t(MembershipSpell)} ms WHERE ms.status IN ({active}) "
                "AND ms.valid_from <= %s AND (ms.valid_to IS NULL OR ms.valid_to > %s) AND " + scope_sql)
        params += [ops.adapt_datefield_value(day), ops.adapt_datefield_value(day), *scope_params]
        if self.exclude_changed_after:
            stamp = ops.adapt_datetimefield_value(self.as_of)
            base += (f" AND NOT EXISTS (SELECT 1 FROM {_t(LedgerEvent)} x WHERE x.member_id = ms.member_id "
                     "AND (x.recorded_at > %s OR x.voided_at > %s))")
            params += [stamp, stamp]
        ctes = [f"base AS ({base})"]
        joins = ""
        # The values read from Member's current columns (only when values are "known" by the void flag
        # alone, as those columns are: the spells path) for the members without a later value.
        columns = [a for a in values if a in CURRENT_COLUMNS] if self.current and CURRENT_VALUE_COLUMNS else []
        if values:
            known, known_params = self._known("mv")
            day_param = ops.adapt_datefield_value(day)
            window = ("SELECT mv.member_id AS member_id, mv.attribute AS attribute, mv.value AS value, "
                      "ROW_NUMBER() OVER (PARTITION BY mv.member_id, mv.attribute ORDER BY mv.valid_from DESC, "
                      f"mv.id DESC) AS rn FROM {_t(MemberValue)} mv JOIN {{members}} b ON b.member_id = mv.member_id "
                      "WHERE mv.attribute IN ({attributes}) AND mv.valid_from <= %s AND " + known)
            history = [a for a in values if a not in columns]
            parts = []
            if columns:
                listed = ", ".join(repr(a) for a in columns)
                # The stock's members with a value valid after the day: their current column is not the value
                # on the day, so their values come from the dated history like the others'.
                ctes.append(f"later AS (SELECT DISTINCT lv.member_id AS member_id FROM {_t(MemberValue)} lv "
                            "JOIN base lb ON lb.member_id = lv.member_id "
                            f"WHERE lv.attribute IN ({listed}) AND lv.valid_from > %s AND lv.voided_at IS NULL)")
                params.append(day_param)
                member = True
                # A marker row per such member (``has_later`` below), so that one join to ``latest`` tells both.
                parts.append("SELECT member_id, '_later' AS attribute, NULL AS value, 1 AS rn FROM later")
                parts.append(window.format(members="later", attributes=listed))
                params += [day_param, *known_params]
            if history:
                parts.append(window.format(members="base", attributes=", ".join(repr(a) for a in history)))
                params += [day_param, *known_params]
            ctes.append("vals AS (" + " UNION ALL ".join(parts) + ")")
            pivot = ", ".join(f"MAX(CASE WHEN attribute = '{a}' THEN value END) AS {a}" for a in values)
            if columns:
                pivot += ", MAX(CASE WHEN attribute = '_later' THEN 1 END) AS has_later"
            ctes.append(f"latest AS (SELECT member_id, {pivot} FROM vals WHERE rn = 1 GROUP BY member_id)")
            joins += " LEFT JOIN latest v ON v.member_id = base.member_id"
        if member:
            joins = f" JOIN {_t(Member)} m ON m.id = base.member_id" + joins
        raw_columns = {
            "status": "base.status", "is_exempted": "base.is_exempted", "gender": "m.gender",
            "ethnicity": "COALESCE(NULLIF(m.ethnicity, ''), 'unknown')",
            "religion": "COALESCE(NULLIF(m.religion, ''), 'unknown')",
            "age": self._age(day), "date_of_birth": "m.date_of_birth", "joined_on": "m.admitted_on",
            **{f"v_{a}": f"v.{a}" for a in values},
        }
        for a in columns:
            # The column as the dated value stores it ('1'/'0' for a flag).
            column = (f"CASE WHEN m.{a} THEN '1' ELSE '0' END" if a in BOOLEAN_ATTRIBUTES else f"m.{a}")
            raw_columns[f"v_{a}"] = f"CASE WHEN v.has_later IS NULL THEN {column} ELSE v.{a} END"
        raw_select = ", ".join(f"{raw_columns[raw]} AS {raw}" for raw in sorted(raw_needed))
        ctes.append("r AS (SELECT base.member_id AS member_id, base.organisation_id AS organisation_id"
                    + (", m.full_name AS label" if label else "") + (", " + raw_select if raw_select else "")
                    + f" FROM base{joins})")
        stock_select = ", ".join(f"{ATTRIBUTES[name].sql_on(day)} AS a_{name}" for name in attributes)
        ctes.append("stock AS (SELECT r.member_id AS member_id, r.organisation_id AS organisation_id"
                    + (", r.label AS label" if label else "") + (", " + stock_select if stock_select else "")
                    + " FROM r)")
        return "WITH " + ", ".join(ctes), params

    # Counting and drilling ---------------------------------------------------------------------------

    def tally(self, population: str, day: date) -> Tally:
        """Every count and mean the registry asks of ``population`` on ``day``, in one statement: one
        grouping set per key set (``GROUPING SETS`` on PostgreSQL, ``UNION ALL`` of ``GROUP BY`` elsewhere)."""
        sql, params, decode = self.tally_statement(population, day)
        return decode(self._fetch(sql, params))

    def tally_statement(self, population: str, day: date) -> tuple[str, list, Callable[[list[tuple]], Tally]]:
        """The statement of ``tally`` and the function turning its rows into the ``Tally`` (built here, in the
        calling thread: ``tallies_in_background`` only runs it)."""
        counts, means = shapes(population)
        attributes = sorted({k for keys in counts for k in keys} | {k for keys, v in means for k in (*keys, v)})
        sets = sorted(counts | {keys for keys, _v in means})
        valued = sorted({value for _keys, value in means})
        prefix, params = self.stock_sql(day, attributes)
        aggregates = ", ".join(["COUNT(*)"] + [f"SUM(a_{v}), COUNT(a_{v})" for v in valued])
        grouped = sorted({k for keys in sets for k in keys})
        if connection.vendor == "postgresql" and 0 < len(grouped) <= 31:
            columns = ", ".join(f"a_{k}" for k in grouped)
            # Two steps: the stock by its whole attribute tuple (a thousand or so tuples for tens of thousands
            # of members: one hash table), then the grouping sets over those tuples, the counts and sums added up.
            partial = ", ".join(["COUNT(*) AS n"] + [f"SUM(a_{v}) AS s_{v}, COUNT(a_{v}) AS c_{v}" for v in valued])
            # (An empty stock still gives the row of the empty grouping set: its sums are NULL, its counts 0.)
            totals = ", ".join(["CAST(COALESCE(SUM(n), 0) AS BIGINT)"]
                               + [f"CAST(SUM(s_{v}) AS BIGINT), CAST(COALESCE(SUM(c_{v}), 0) AS BIGINT)"
                                  for v in valued])
            sql = (f"{prefix}, tuples AS (SELECT {columns}, {partial} FROM stock GROUP BY {columns}) "
                   f"SELECT GROUPING({columns}), {columns}, {totals} FROM tuples GROUP BY GROUPING SETS ("
                   + ", ".join("(" + ", ".join(f"a_{k}" for k in keys) + ")" for keys in sets) + ")")
            by_mask = {sum(1 << (len(grouped) - 1 - i) for i, k in enumerate(grouped) if k not in keys): keys
                       for keys in sets}
        else:
            selects = []
            for index, keys in enumerate(sets):
                columns = ", ".join(f"a_{k}" if k in keys else "NULL" for k in grouped)
                group = f" GROUP BY {', '.join(f'a_{k}' for k in keys)}" if keys else ""
                selects.append(f"SELECT {index}{', ' + columns if columns else ''}, {aggregates} FROM stock{group}")
            sql = prefix + " " + " UNION ALL ".join(selects)
            by_mask = dict(enumerate(sets))

        def decode(rows: list[tuple]) -> Tally:
            tally = Tally()
            for row in rows:
                keys = by_mask[row[0]]
                found = dict(zip(grouped, row[1:1 + len(grouped)], strict=True))
                key = tuple(ATTRIBUTES[k].decode(found[k]) for k in keys)
                rest = row[1 + len(grouped):]
                if keys in counts:
                    tally.counts[keys][key] += rest[0]
                for i, value in enumerate(valued):
                    if (keys, value) in means:
                        entry = tally.sums[(keys, value)][key]
                        entry[0] += int(rest[1 + 2 * i] or 0)
                        entry[1] += rest[2 + 2 * i]
            return tally

        return sql, params, decode

    def tallies(self, wanted: dict[str, date]) -> Callable[[], dict[str, Tally]]:
        """``tally`` of each population of ``wanted`` (name → day); call the result to get them.

        On PostgreSQL, outside a transaction, for a large scope (``run_aside``), the statements run at once in a thread on a connection of its
        own while the caller goes on (the engine's Python walk and its other queries): the stock statement is
        most of the database time of a large report. Inside a transaction (tests, a request that writes)
        another connection could not see the caller's uncommitted rows, so they run when asked, here; on
        SQLite always. The statements are built here, in the calling thread; the thread only runs them and
        closes its connection. Every statement is read-only and reads rows committed before it starts, as
        the caller's own statements do (each is its own transaction in autocommit)."""
        statements = {name: self.tally_statement(name, day) for name, day in wanted.items()}
        fetched = run_aside(lambda: dict(zip(statements, self._fetch_many(
            [(sql, params) for sql, params, _d in statements.values()]), strict=True)),
            worth_it=worth_a_thread(self.scope))
        return lambda: {name: statements[name][2](rows) for name, rows in fetched().items()}

    def _fetch(self, sql: str, params: list) -> list[tuple]:
        return self._fetch_many([(sql, params)])[0]

    def _fetch_many(self, statements: list[tuple[str, list]]) -> list[list[tuple]]:
        """The rows of each statement, all in one transaction with the session settings set once."""
        with transaction.atomic(using=connection.alias), connection.cursor() as cursor:
            if connection.vendor == "postgresql":
                # Only for this transaction (``set_config(…, true)`` is ``SET LOCAL``), in one round trip:
                # - jit off: the statement's cost estimate is far above jit_above_cost, and compiling it took
                #   longer (seconds) than running it;
                # - work_mem: its sorts and hashes (tens of thousands of rows) fit in memory rather than
                #   spilling to disk;
                # - hash_mem_multiplier: hash tables may take more than sorts: the first step of
                #   ``tally_statement`` groups tens of thousands of rows into a thousand or so in a small hash
                #   table, but its estimate (tens of thousands of groups) would otherwise make PostgreSQL sort
                #   every row instead.
                settings = [("jit", "off"), ("work_mem", "32MB")]
                if connection.pg_version >= 130000:
                    settings.append(("hash_mem_multiplier", "8"))
                cursor.execute("SELECT " + ", ".join(f"set_config('{name}', '{value}', true)"
                                                     for name, value in settings))
            found = []
            for sql, params in statements:
                cursor.execute(sql, params)
                found.append(cursor.fetchall())
            return found

    def rows(self, population: str, day: date, match=()) -> list[tuple[int, int, str, dict]]:
        """(member id, organisation id, name, attrs) of the stock members whose attrs equal ``match``."""
        attributes = RECORD_ATTRIBUTES[population]
        prefix, params = self.stock_sql(day, attributes, label=True)
        where = []
        for name, value in match:
            encoded = ATTRIBUTES[name].encode(value)
            if encoded is None:
                where.append(f"a_{name} IS NULL")
            else:
                where.append(f"a_{name} = %s")
                params.append(encoded)
        columns = ", ".join(f"a_{name}" for name in attributes)
        sql = (f"{prefix} SELECT member_id, organisation_id, label, {columns} FROM stock"
               + (" WHERE " + " AND ".join(where) if where else ""))
        result = []
        for member_id, org_id, name, *values in self._fetch(sql, params):
            attrs = {a: ATTRIBUTES[a].decode(v) for a, v in zip(attributes, values, strict=True)}
            result.append((member_id, org_id, name or "", attrs))
        return result


def worth_a_thread(scope: LineageScope) -> bool:
    """A thread and a new connection cost ~5–15 ms: worth it only for a large scope (``ASIDE_MIN_ORGANISATIONS``)."""
    return len(scope.candidates) >= ASIDE_MIN_ORGANISATIONS


def run_aside(fetch: Callable[[], object], *, worth_it: bool = True) -> Callable[[], object]:
    """``fetch()`` (database reads only) in a thread on a connection of its own when that is safe, else when
    asked; call the result for its value (an exception of ``fetch`` is raised there).

    Safe: PostgreSQL, outside a transaction (``CONCURRENT``). Inside one (tests, a request that writes) another
    connection could not see the caller's uncommitted rows; SQLite serialises connections anyway. ``fetch``
    must only read the database and objects the caller no longer changes; its connection is closed at the end.
    ``worth_it`` False (a small report: see ``worth_a_thread``) runs it in line too."""
    if not (CONCURRENT and worth_it and connection.vendor == "postgresql" and not connection.in_atomic_block):
        return fetch

    def run():
        try:
            return fetch()
        finally:
            connections.close_all()  # this thread's connections only

    executor = ThreadPoolExecutor(max_workers=1, thread_name_prefix="report-aside")
    future = executor.submit(run)
    executor.shutdown(wait=False)
    return future.result


def _t(model) -> str:
    return connection.ops.quote_name(model._meta.db_table)
