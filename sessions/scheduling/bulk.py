"""Inserting many rows of one model fast: PostgreSQL's COPY, bulk_create elsewhere.

For the matcher's batches, where Django's bulk_create spends most of its time
building a model instance per row and preparing every field of it. Rows here
are plain tuples of database-ready values (ids for foreign keys, aware
datetimes, strings); the constraints, defaults and triggers of the table
apply as for any INSERT, and a refused row fails the whole statement with the
usual IntegrityError.
"""

from collections.abc import Iterable, Sequence

from django.db import connection, models


def _filled_fields(model: type[models.Model], names: Sequence[str]) -> list[models.Field]:
    """The concrete fields left out of `names` that need a value: those with a
    default, and text that may not be NULL (Django writes "" there)."""
    given = {model._meta.get_field(n).attname for n in names}
    return [
        f
        for f in model._meta.concrete_fields
        if f.attname not in given
        and not f.primary_key
        and (f.has_default() or (not f.null and f.empty_strings_allowed))
    ]


def insert_rows(
    model: type[models.Model],
    names: Sequence[str],
    rows: Iterable[tuple],
    *,
    with_ids: bool = False,
) -> list[int]:
    """Insert `rows` (tuples of values for the fields `names`, in that order).

    Fields left out get their default, as bulk_create would give them (a
    callable default is called for each row).
    Returns the new primary keys in row order when `with_ids`, else []. On
    PostgreSQL: the keys are drawn from the table's sequence in one query and
    the rows sent with one COPY; elsewhere through bulk_create. Raises
    IntegrityError when a constraint refuses a row (nothing is inserted).
    """
    rows = list(rows)
    if not rows:
        return []
    filled = _filled_fields(model, names)
    if filled:
        names = [*names, *(f.attname for f in filled)]
        rows = [row + tuple(f.get_default() for f in filled) for row in rows]
    if connection.vendor != "postgresql":
        made = model.objects.bulk_create(
            model(**dict(zip(names, row, strict=True))) for row in rows
        )
        return [obj.pk for obj in made] if with_ids else []
    meta = model._meta
    quote = connection.ops.quote_name
    columns = [quote(meta.get_field(n).column) for n in names]
    ids: list[int] = []
    with connection.cursor() as cursor:
        if with_ids:
            cursor.execute(
                "SELECT nextval(pg_get_serial_sequence(%s, %s)) FROM generate_series(1, %s)",
                [meta.db_table, meta.pk.column, len(rows)],
            )
            ids = sorted(n for (n,) in cursor.fetchall())
            columns.insert(0, quote(meta.pk.column))
            rows = [(pk, *row) for pk, row in zip(ids, rows, strict=True)]
        # Only quoted names from the model are formatted in; the values are streamed.
        sql = f"COPY {quote(meta.db_table)} ({', '.join(columns)}) FROM STDIN"
        with connection.wrap_database_errors, cursor.cursor.copy(sql) as copy:
            for row in rows:
                copy.write_row(row)
    return ids


def insert_objects(objs: Sequence[models.Model], *, with_ids: bool = False) -> None:
    """Insert unsaved instances of one model, as bulk_create does (no save() and no
    signals), through `insert_rows`; with `with_ids`, each gets its primary key.

    A foreign key still empty takes the primary key of the related instance
    given for it (saved meanwhile, as bulk_create does). Raises IntegrityError
    as `insert_rows` does.
    """
    if not objs:
        return
    model = type(objs[0])
    if connection.vendor != "postgresql":
        model.objects.bulk_create(objs)
        return
    fields = [f for f in model._meta.concrete_fields if not f.primary_key]
    relations = [f for f in fields if f.is_relation]
    for obj in objs:
        for f in relations:
            if getattr(obj, f.attname) is None and f.is_cached(obj):
                related = f.get_cached_value(obj)
                if related is not None:
                    setattr(obj, f.name, related)  # sets the key, keeps the instance
    names = [f.attname for f in fields]
    ids = insert_rows(
        model,
        names,
        [tuple([getattr(obj, name) for name in names]) for obj in objs],
        with_ids=with_ids,
    )
    for obj, pk in zip(objs, ids, strict=False):
        obj.pk = pk
    for obj in objs:
        obj._state.adding = False
        obj._state.db = connection.alias
