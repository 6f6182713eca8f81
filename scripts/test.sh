#!/usr/bin/env bash
# Runs the whole test suite as CI does: formatting, lints, then every test,
# against real PostgreSQL and MariaDB servers that it starts itself.
#
#   ./scripts/test.sh                 the whole suite
#   ./scripts/test.sh CMD [ARGS...]   start the servers, run CMD with
#                                     RETORT_TEST_POSTGRES_URL and
#                                     RETORT_TEST_MYSQL_URL set, stop them
#   e.g. ./scripts/test.sh cargo nextest run -p retort-db
#
# Installs what is missing first (cargo-nextest, MariaDB, PostgreSQL 15 from
# Debian's packages). The servers listen on 127.0.0.1 on free private ports,
# keep their data in a temporary folder, and are stopped and removed on exit,
# also on failure. Exits non-zero on any failure; never skips a test silently.
set -euo pipefail
cd "$(dirname "$0")/.."

log() { printf '==> %s\n' "$*" >&2; }
die() {
    printf 'error: %s\n' "$*" >&2
    exit 1
}

if ! command -v cargo >/dev/null; then
    die "cargo is not installed: install Rust 1.95 or newer (https://rustup.rs)"
fi
if ! cargo nextest --version >/dev/null 2>&1; then
    log "installing cargo-nextest"
    cargo install --locked cargo-nextest
fi

# --- database servers -------------------------------------------------------

PG_BIN=/usr/lib/postgresql/15/bin
APT_UPDATED=
apt_install() {
    if [ "$(id -u)" != 0 ]; then
        die "$* is missing and installing it needs root: run 'apt-get install $*' as root"
    fi
    if [ -z "$APT_UPDATED" ]; then
        apt-get update -qq || die "apt-get update failed: check the network and /etc/apt/sources.list"
        APT_UPDATED=1
    fi
    log "installing $*"
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "$@" >/dev/null ||
        die "apt-get install $* failed (see above)"
}

if [ ! -x "$PG_BIN/postgres" ]; then
    apt_install postgresql-15
    # Debian's package starts a cluster of its own on 5432; ours uses another.
fi
if ! command -v mariadbd >/dev/null && ! command -v mysqld >/dev/null; then
    apt_install mariadb-server
fi
MYSQLD=$(command -v mariadbd || command -v mysqld)
MYSQL_INSTALL_DB=$(command -v mariadb-install-db || command -v mysql_install_db) ||
    die "mariadb-install-db is missing: reinstall the mariadb-server package"
MYSQL_CLIENT=$(command -v mariadb || command -v mysql) ||
    die "the mariadb client is missing: install the mariadb-client package"

# The first port from $1 up that nothing listens on.
free_port() {
    local port=$1
    while (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null; do
        port=$((port + 1))
    done
    echo "$port"
}

DB_DIR=$(mktemp -d "${TMPDIR:-/tmp}/retort-test-db.XXXXXX")
MYSQL_PID=
stop_servers() {
    local status=$?
    if [ -f "$DB_DIR/pg/postmaster.pid" ]; then
        run_as_pg "$PG_BIN/pg_ctl" -D "$DB_DIR/pg" -m immediate -w stop >/dev/null 2>&1 || true
    fi
    if [ -n "$MYSQL_PID" ] && kill -0 "$MYSQL_PID" 2>/dev/null; then
        kill "$MYSQL_PID" 2>/dev/null || true
        for _ in $(seq 100); do kill -0 "$MYSQL_PID" 2>/dev/null || break; sleep 0.1; done
        kill -9 "$MYSQL_PID" 2>/dev/null || true
    fi
    rm -rf "$DB_DIR"
    exit "$status"
}
trap stop_servers EXIT
trap 'exit 130' INT TERM

# initdb and postgres refuse to run as root: run them as the postgres user
# (made by Debian's package) or, failing that, as nobody.
PG_USER=root
if [ "$(id -u)" = 0 ]; then
    PG_USER=$(id -u postgres >/dev/null 2>&1 && echo postgres || echo nobody)
fi
run_as_pg() {
    if [ "$PG_USER" = root ] || [ "$PG_USER" = "$(id -un)" ]; then
        "$@"
    else
        runuser -u "$PG_USER" -- "$@"
    fi
}

start_postgres() {
    local port
    port=$(free_port 55432)
    mkdir -p "$DB_DIR/pg" "$DB_DIR/pg-run"
    chmod 755 "$DB_DIR"
    echo secret >"$DB_DIR/pg-password"
    chown "$PG_USER" "$DB_DIR/pg" "$DB_DIR/pg-run" "$DB_DIR/pg-password"
    run_as_pg "$PG_BIN/initdb" -D "$DB_DIR/pg" -U retort --pwfile="$DB_DIR/pg-password" \
        --auth-host=scram-sha-256 --auth-local=trust -E UTF8 --no-sync \
        >"$DB_DIR/pg-initdb.log" 2>&1 ||
        die "PostgreSQL initdb failed: $(cat "$DB_DIR/pg-initdb.log")"
    # Durability is not needed for tests: fsync off makes them much faster.
    run_as_pg "$PG_BIN/pg_ctl" -D "$DB_DIR/pg" -l "$DB_DIR/pg-run/pg.log" -w -t 60 \
        -o "-p $port -c listen_addresses=127.0.0.1 -k $DB_DIR/pg-run -c fsync=off \
            -c synchronous_commit=off -c full_page_writes=off -c max_connections=200" \
        start >/dev/null ||
        die "PostgreSQL did not start on port $port: $(tail -n 20 "$DB_DIR/pg-run/pg.log")"
    export RETORT_TEST_POSTGRES_URL="postgresql://retort:secret@127.0.0.1:$port/postgres"
    log "PostgreSQL 15 on 127.0.0.1:$port"
}

start_mariadb() {
    local port
    port=$(free_port 53306)
    "$MYSQL_INSTALL_DB" --no-defaults --datadir="$DB_DIR/my" --user=root \
        --auth-root-authentication-method=socket --skip-test-db \
        >"$DB_DIR/my-install.log" 2>&1 ||
        die "mariadb-install-db failed: $(tail -n 20 "$DB_DIR/my-install.log")"
    "$MYSQLD" --no-defaults --user=root --datadir="$DB_DIR/my" --port="$port" \
        --bind-address=127.0.0.1 --socket="$DB_DIR/my.sock" --pid-file="$DB_DIR/my.pid" \
        --skip-name-resolve --skip-log-bin --innodb-flush-log-at-trx-commit=0 \
        --innodb-buffer-pool-size=64M --innodb-doublewrite=0 --max-connections=300 \
        >"$DB_DIR/my.log" 2>&1 &
    MYSQL_PID=$!
    for _ in $(seq 300); do
        if "$MYSQL_CLIENT" --no-defaults --socket="$DB_DIR/my.sock" -u root -e 'SELECT 1' \
            >/dev/null 2>&1; then
            break
        fi
        kill -0 "$MYSQL_PID" 2>/dev/null ||
            die "MariaDB exited at start on port $port: $(tail -n 20 "$DB_DIR/my.log")"
        sleep 0.1
    done
    "$MYSQL_CLIENT" --no-defaults --socket="$DB_DIR/my.sock" -u root -e \
        "CREATE USER 'retort'@'%' IDENTIFIED BY 'secret';
         GRANT ALL PRIVILEGES ON *.* TO 'retort'@'%' WITH GRANT OPTION;" ||
        die "MariaDB did not accept connections on port $port within 30 s: $(tail -n 20 "$DB_DIR/my.log")"
    export RETORT_TEST_MYSQL_URL="mysql://retort:secret@127.0.0.1:$port/mysql"
    log "MariaDB $("$MYSQLD" --version | awk '{print $3}') on 127.0.0.1:$port"
}

start_postgres
start_mariadb

if [ $# -gt 0 ]; then
    log "$*"
    "$@"
    exit
fi

# --- the suite ----------------------------------------------------------------

log "cargo fmt --check"
cargo fmt --all -- --check

log "cargo clippy"
cargo clippy --workspace --all-targets --locked -- -D warnings

log "doc tests"
cargo test --workspace --doc --locked

# Last, so that its summary closes the log.
log "cargo nextest run"
cargo nextest run --workspace --locked --no-fail-fast
