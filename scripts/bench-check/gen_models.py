#!/usr/bin/env python3
"""Writes the portable DDL of the `check` benchmark schema (issue 4).

    python3 gen_models.py N OUT.sql [--id-not-null]

N tables t0000..t{N-1}, each with 10 columns (id, parent_id and c1..c8),
2 indexes and a foreign key to the previous table (the first table has
none). The same file is the retort models file and is run through each
database's own client to create the schema, so `retort check` should find
nothing to do. --id-not-null declares `id INTEGER NOT NULL PRIMARY KEY`
(on SQLite, PRAGMA table_info reports a rowid alias declared without
NOT NULL as nullable, and both retort and Alembic then report NOT NULL).
"""
import sys


def table(i, id_not_null=False):
    name = f"t{i:04d}"
    cols = [
        "id INTEGER NOT NULL PRIMARY KEY" if id_not_null else "id INTEGER PRIMARY KEY",
        "parent_id INTEGER",
        "c1 VARCHAR(50) NOT NULL",
        "c2 VARCHAR(200)",
        "c3 INTEGER NOT NULL",
        "c4 BIGINT",
        "c5 TEXT",
        "c6 NUMERIC(10, 2)",
        "c7 DATE",
        "c8 BOOLEAN",
    ]
    if i > 0:
        cols.append(f"FOREIGN KEY (parent_id) REFERENCES t{i - 1:04d} (id)")
    body = ",\n    ".join(cols)
    return (
        f"CREATE TABLE {name} (\n    {body}\n);\n"
        f"CREATE INDEX ix_{name}_c1 ON {name} (c1);\n"
        f"CREATE INDEX ix_{name}_c3_c4 ON {name} (c3, c4);\n"
    )


def main():
    n, out = int(sys.argv[1]), sys.argv[2]
    id_not_null = "--id-not-null" in sys.argv[3:]
    with open(out, "w") as f:
        for i in range(n):
            f.write(table(i, id_not_null))
            f.write("\n")


if __name__ == "__main__":
    main()
