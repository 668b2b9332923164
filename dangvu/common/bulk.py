"""Inserting many rows at once. On PostgreSQL: ids reserved from the table's sequence, then one ``COPY`` per
table (psycopg's C adapters, no SQL text built per value); elsewhere Django's ``bulk_create``. The objects get
their ids either way, in list order, and the rows are part of the caller's transaction."""

from __future__ import annotations

import json
import sys
import threading
from contextlib import contextmanager
from operator import attrgetter

from django.db import connection, connections
from django.db.models.base import ModelState


def instance_factory(model):
    """A constructor of unsaved ``model`` instances for bulk paths: ``make(values, related=None)`` takes field
    attnames (``organisation_id``, not ``organisation``) and, optionally, the related objects to cache
    (``{"organisation": org}``), fills every other concrete field with its default, and skips
    ``Model.__init__`` (its per-field descriptor work was the largest single cost of a 100 000-row import).
    The result is an ordinary instance (``_state.adding``); no model signals are sent, so use it only for
    models without ``pre_init`` / ``post_init`` receivers."""
    fixed, computed = {}, []
    for f in model._meta.concrete_fields:
        if f.has_default() and callable(f.default):
            computed.append((f.attname, f.default))
        else:
            fixed[f.attname] = f.get_default()
    known = set(fixed) | {name for name, _default in computed}
    new = model.__new__

    def make(values: dict, related: dict | None = None):
        unknown = values.keys() - known
        if unknown:
            raise TypeError(f"{model.__name__}: unknown fields {sorted(unknown)}")
        obj = new(model)
        state = ModelState()
        if related:
            state.fields_cache = dict(related)
        fields = obj.__dict__
        fields["_state"] = state
        fields.update(fixed)
        for name, default in computed:
            if name not in values:
                fields[name] = default()
        fields.update(values)
        return obj

    return make


def _json_text(field):
    """A JSON field's value as the text COPY sends (the same ``json.dumps`` psycopg would run), with the
    frequent empty values dumped once."""
    encoder = field.encoder
    constants = {}

    def dump(value):
        if value is None:
            return None
        if not value and type(value) in (dict, list):
            key = type(value)
            if key not in constants:
                constants[key] = json.dumps(value, cls=encoder)
            return constants[key]
        return json.dumps(value, cls=encoder)

    return dump


def _prepare(field, conn):
    """The COPY value of a JSON or auto_now field of an object."""
    if field.get_internal_type() == "JSONField":
        dump, attname = _json_text(field), field.attname
        return lambda obj: dump(getattr(obj, attname))
    return lambda obj: field.get_db_prep_save(field.pre_save(obj, add=True), conn)


def reserve_ids(model, objs: list) -> list:
    """PostgreSQL: reserve ids for ``objs`` from the table's sequence and give them to the objects, in list
    order (ascending). The rows are not written: ``copy_rows`` does that."""
    meta = model._meta
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_get_serial_sequence(%s, %s)", [meta.db_table, meta.pk.column])
        sequence = cursor.fetchone()[0]
        cursor.execute("SELECT nextval(%s) FROM generate_series(1, %s)", [sequence, len(objs)])
        ids = sorted(row[0] for row in cursor.fetchall())
    pk_name = meta.pk.attname
    for obj, new_id in zip(objs, ids, strict=True):
        setattr(obj, pk_name, new_id)
    return objs


def _copy_job(model, objs: list, json_texts: dict[str, list[str]] | None = None):
    """(COPY statement, row generator) for objects whose ids are set; built with this thread's connection so
    that the generator itself needs no Django connection (it may run in another thread)."""
    meta = model._meta
    pk = meta.pk
    fields = [f for f in meta.concrete_fields if f is not pk]
    quote = connection.ops.quote_name
    # Plain fields read with one attrgetter call per object (C); JSON and auto_now fields prepared by Django.
    # Choice enums (TextChoices are str subclasses) are dumped as their str value by psycopg.
    simple = [f for f in fields if f.get_internal_type() != "JSONField" and not getattr(f, "auto_now", False)
              and not getattr(f, "auto_now_add", False)]
    special = [f for f in fields if f not in simple]
    # JSON fields as text (COPY in text format: PostgreSQL parses it for the jsonb column).
    conn = connections[connection.alias]  # this thread's wrapper itself, not the per-thread proxy
    prepare = [_prepare(f, conn) for f in special]
    for name, texts in (json_texts or {}).items():
        index = next(i for i, f in enumerate(special) if f.attname == name and f.get_internal_type() == "JSONField")
        if len(texts) != len(objs):
            raise ValueError(f"json_texts[{name!r}]: {len(texts)} texts for {len(objs)} objects")
        following = iter(texts).__next__  # objects and texts in step
        prepare[index] = lambda _obj, text=following: text()
    columns = ", ".join(quote(f.column) for f in (pk, *simple, *special))
    read = attrgetter(pk.attname, *[f.attname for f in simple]) if simple else (lambda obj: (getattr(obj, pk.attname),))

    def rows():
        if special:
            for obj in objs:
                yield (*read(obj), *[prep(obj) for prep in prepare])
        else:
            for obj in objs:
                yield read(obj)

    return f"COPY {quote(meta.db_table)} ({columns}) FROM STDIN", rows


def _copy(cursor, statement: str, rows) -> None:
    with cursor.copy(statement) as copy:
        write = copy.write_row
        for row in rows():
            write(row)


def _mark_saved(objs: list) -> None:
    alias = connection.alias
    for obj in objs:
        state = obj._state
        state.adding = False
        state.db = alias


def bulk_insert(model, objs: list, *, batch_size: int = 1000, json_texts: dict[str, list[str]] | None = None) -> list:
    """``json_texts`` (PostgreSQL only): for a JSON field's attname, the JSON text of each object's value, in
    list order, already serialised by the caller (any valid JSON text of the same value: the column is jsonb)."""
    if not objs:
        return objs
    if connection.vendor != "postgresql":
        return model._default_manager.bulk_create(objs, batch_size=batch_size)
    reserve_ids(model, objs)
    statement, rows = _copy_job(model, objs, json_texts)
    with connection.cursor() as cursor:
        _copy(cursor.cursor, statement, rows)  # the psycopg cursor under Django's wrapper
    _mark_saved(objs)
    return objs


def _copy_data(transformer, encoding: str, rows) -> bytes:
    """The COPY data (text format) of ``rows``: the bytes ``copy.write_row`` would send for each row."""
    from psycopg._copy_base import TextFormatter  # psycopg's own (pinned in requirements.lock)

    formatter = TextFormatter(transformer, encoding=encoding)
    parts = [formatter.write_row(row) for row in rows()]
    parts.append(formatter.end())
    return b"".join(parts)


def copy_meanwhile(jobs: list[tuple[type, list]]):
    """Start writing ``jobs`` — (model, objects with ids from ``reserve_ids``) — with COPY in a worker thread on
    this thread's PostgreSQL connection, inside the caller's transaction, and return ``wait()``, which the caller
    MUST call (before its transaction or savepoint ends): it waits for the writes and raises their error, as
    Django's exception, if any. Meanwhile the caller may compute; a query it makes waits for the worker
    (psycopg's connection lock serialises every operation on the connection).

    The rows are turned into COPY data here, table by table, each table's data handed to the worker as soon as it
    is ready: the worker only sends bytes and waits for PostgreSQL, so it hardly needs the interpreter (the GIL)
    while this thread computes.

    The foreign keys of these rows are checked at the end of each COPY (``SET CONSTRAINTS ALL IMMEDIATE``, then
    back to ``DEFERRED``, Django's mode) instead of at COMMIT: the same checks, done while the caller computes
    instead of after it. A failure rolls back with the caller's savepoint, which restores the mode."""
    import queue

    from psycopg.adapt import Transformer

    jobs = [(model, objs) for model, objs in jobs if objs]
    prepared = [_copy_job(model, objs) for model, objs in jobs]
    raw = connection.connection
    failure: list[BaseException] = []
    ready: queue.SimpleQueue = queue.SimpleQueue()

    def run():
        try:
            with raw.cursor() as cursor:
                cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
                while (item := ready.get()) is not None:
                    statement, data = item
                    with cursor.copy(statement) as copy:
                        copy.write(data)
                cursor.execute("SET CONSTRAINTS ALL DEFERRED")
        except BaseException as exc:  # re-raised in the caller's thread by wait()
            failure.append(exc)

    worker = threading.Thread(target=run, name="dangvu-bulk-copy", daemon=True)
    worker.start()
    try:
        transformer, encoding = Transformer(raw), raw.pgconn._encoding
        for statement, rows in prepared:
            ready.put((statement, _copy_data(transformer, encoding, rows)))
    except BaseException:
        ready.put(None)
        worker.join()  # the worker stops after the data it has: done before the error reaches the savepoint
        raise
    ready.put(None)

    def wait() -> None:
        worker.join()
        if failure:
            with connection.wrap_database_errors:
                raise failure[0]
        for _model, objs in jobs:
            _mark_saved(objs)

    return wait


# While one thread computes, another thread waiting on PostgreSQL gets the interpreter back only when the first
# lets go of it: by default after 5 ms. The COPY worker (``copy_meanwhile``) waits on the server several times a
# table, so at 5 ms a wake-up it spent more time waiting for the interpreter than for the server (22.6 s against
# 10.3 s of server time for a 100 000-row import); at 0.5 ms the worker took 16.5 s and the import ~10 % less time
# (docs/performance-import.md, Round 6). Shorter intervals cost more in switches than they gain.
QUICK_SWITCH_INTERVAL = 0.0005
_switch_lock = threading.Lock()
_switch_users = 0
_switch_saved = 0.0


@contextmanager
def quick_thread_switches(interval: float = QUICK_SWITCH_INTERVAL):
    """Within the block, the interpreter hands over between threads every ``interval`` seconds at most (the
    process-wide ``sys.setswitchinterval``, never made longer), and the previous setting is restored when the last
    block still open ends (blocks may overlap in several threads)."""
    global _switch_users, _switch_saved
    with _switch_lock:
        if _switch_users == 0:
            _switch_saved = sys.getswitchinterval()
            sys.setswitchinterval(min(interval, _switch_saved))
        _switch_users += 1
    try:
        yield
    finally:
        with _switch_lock:
            _switch_users -= 1
            if _switch_users == 0:
                sys.setswitchinterval(_switch_saved)


def bulk_insert_values(model, attnames: list[str], rows: list[tuple]) -> int:
    """Insert plain tuples (values in the order of ``attnames``) without building model instances: for large
    append-only tables such as import provenance. COPY on PostgreSQL; ``bulk_create`` elsewhere."""
    if not rows:
        return 0
    meta = model._meta
    fields = [next(f for f in meta.concrete_fields if f.attname == name) for name in attnames]
    if connection.vendor != "postgresql":
        model._default_manager.bulk_create([model(**dict(zip(attnames, row, strict=True))) for row in rows],
                                           batch_size=1000)
        return len(rows)
    prepare = [(i, _json_text(f)) for i, f in enumerate(fields) if f.get_internal_type() == "JSONField"]
    quote = connection.ops.quote_name
    columns = ", ".join(quote(f.column) for f in fields)
    with connection.cursor() as cursor:
        with cursor.cursor.copy(f"COPY {quote(meta.db_table)} ({columns}) FROM STDIN") as copy:
            for row in rows:
                if prepare:
                    row = list(row)
                    for i, dump in prepare:
                        row[i] = dump(row[i])
                copy.write_row(row)
    return len(rows)
