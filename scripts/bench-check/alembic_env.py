# env.py of the Alembic side of the `check` benchmark: the target metadata is
# reflected from the database itself, so `alembic check` compares the
# database with its own reflection (the cost of reflecting and comparing).
# Writes the seconds the reflection of the target took to $BENCH_REFLECT_FILE.
import os
import time

from alembic import context
from sqlalchemy import MetaData, create_engine, pool

config = context.config


def run_migrations_online():
    engine = create_engine(config.get_main_option("sqlalchemy.url"), poolclass=pool.NullPool)
    with engine.connect() as connection:
        started = time.perf_counter()
        target_metadata = MetaData()
        target_metadata.reflect(bind=connection)
        took = time.perf_counter() - started
        out = os.environ.get("BENCH_REFLECT_FILE")
        if out:
            with open(out, "w") as f:
                f.write(f"{took * 1000:.1f} {len(target_metadata.tables)}\n")
        context.configure(connection=connection, target_metadata=target_metadata)
        with context.begin_transaction():
            context.run_migrations()


if context.is_offline_mode():
    raise SystemExit("the benchmark runs online only")
run_migrations_online()
