"""Inserting many rows at once. On PostgreSQL: ids reserved from the table's sequence, then one ``COPY`` per
table (psycopg's C adapters, no SQL text built per value); elsewhere Django's ``bulk_create``. The objects get
their ids either way, in list order, and the rows are part of the caller's transaction."""

from __future__ import annotations

from operator import attrgetter

from django.db import connection


def bulk_insert(model, objs: list, *, batch_size: int = 1000) -> list:
    if not objs:
        return objs
    if connection.vendor != "postgresql":
        return model._default_manager.bulk_create(objs, batch_size=batch_size)
    meta = model._meta
    pk = meta.pk
    fields = [f for f in meta.concrete_fields if f is not pk]
    quote = connection.ops.quote_name
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_get_serial_sequence(%s, %s)", [meta.db_table, pk.column])
        sequence = cursor.fetchone()[0]
        cursor.execute("SELECT nextval(%s) FROM generate_series(1, %s)", [sequence, len(objs)])
        ids = sorted(row[0] for row in cursor.fetchall())
        # Plain fields read with one attrgetter call per object (C); JSON and auto_now fields prepared by Django.
        # Choice enums (TextChoices are str subclasses) are dumped as their str value by psycopg.
        simple = [f for f in fields if f.get_internal_type() != "JSONField" and not getattr(f, "auto_now", False)
                  and not getattr(f, "auto_now_add", False)]
        special = [f for f in fields if f not in simple]
        columns = ", ".join(quote(f.column) for f in (pk, *simple, *special))
        read = attrgetter(*[f.attname for f in simple]) if len(simple) > 1 else (
            (lambda obj: (getattr(obj, simple[0].attname),)) if simple else (lambda obj: ()))
        pk_name = pk.attname
        raw = cursor.cursor  # the psycopg cursor under Django's wrapper
        with raw.copy(f"COPY {quote(meta.db_table)} ({columns}) FROM STDIN") as copy:
            write = copy.write_row
            for obj, new_id in zip(objs, ids, strict=True):
                setattr(obj, pk_name, new_id)
                if special:
                    write((new_id, *read(obj), *[f.get_db_prep_save(f.pre_save(obj, add=True), connection)
                                                  for f in special]))
                else:
                    write((new_id, *read(obj)))
    for obj in objs:
        obj._state.adding = False
        obj._state.db = connection.alias
    return objs


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
    prepare = [i for i, f in enumerate(fields) if f.get_internal_type() == "JSONField"]
    quote = connection.ops.quote_name
    columns = ", ".join(quote(f.column) for f in fields)
    with connection.cursor() as cursor:
        with cursor.cursor.copy(f"COPY {quote(meta.db_table)} ({columns}) FROM STDIN") as copy:
            for row in rows:
                if prepare:
                    row = list(row)
                    for i in prepare:
                        row[i] = fields[i].get_db_prep_save(row[i], connection)
                copy.write_row(row)
    return len(rows)
