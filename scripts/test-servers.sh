#!/usr/bin/env bash
# The database servers of the test suite, each started the first time a test
# asks for it, under the folder ./scripts/test.sh made
# ($RETORT_TEST_DB_DIR), and stopped by that script at its end.
#
#   scripts/test-servers.sh var NAME     starts NAME's server if needed,
#                                        prints NAME's value
#   scripts/test-servers.sh ensure KIND  starts KIND if needed, prints its
#                                        `export NAME=value` lines
#
# KIND and the variables (NAME) each sets:
#
#   postgres   RETORT_TEST_POSTGRES_URL   a PostgreSQL 15 server
#   pgbouncer  RETORT_TEST_PGBOUNCER_URL  PgBouncer in transaction pooling
#                                         mode in front of that PostgreSQL
#   mariadb    RETORT_TEST_MYSQL_URL      a MariaDB server
#   galera     RETORT_TEST_GALERA_URLS    a 3-node MariaDB Galera cluster (its
#                                         nodes' URLs, comma-separated, node 1
#                                         first), which refuses a table
#                                         without a primary key
#              RETORT_TEST_GALERA_PIDS    the nodes' process ids, in the same
#                                         order, for a test that kills one
#                                         (nothing restarts it)
#   tls        RETORT_TEST_TLS_CA         a throw-away CA (PEM) that signed the
#                                         servers' certificate, made for the
#                                         host name localhost only (not
#                                         127.0.0.1, so that verify-full fails
#                                         there and verify-ca passes), and the
#                                         client certificate
#              RETORT_TEST_TLS_WRONG_CA   another CA, which signed neither
#              RETORT_TEST_TLS_CLIENT_CERT  a client certificate (PEM) for CN
#                                         retort_cert, signed by the CA
#              RETORT_TEST_TLS_CLIENT_KEY its private key (PEM, mode 600)
#   postgres   RETORT_TEST_POSTGRES_SOCKET_DIR  the folder of PostgreSQL's
#                                         Unix socket, where retort logs in
#                                         without a password
#   mariadb    RETORT_TEST_MYSQL_SOCKET   MariaDB's Unix socket, where retort
#                                         logs in with its password
#
# PostgreSQL and MariaDB start with TLS from the `tls` certificates.
# PostgreSQL has ssl=on: the role retort_tls (password secret) may log in
# over TLS only, retort_cert only with the client certificate. MariaDB:
# retort_tls (password secret) is REQUIRE SSL, retort_x509 (password
# secret) REQUIRE X509. PgBouncer and the Galera nodes have no TLS.
#
# Each listens on 127.0.0.1 on free private ports, as the user retort with
# the password secret, and keeps its data in $RETORT_TEST_DB_DIR. Two
# tests asking at once for a server that is not up wait for one start-up
# (a lock per KIND); a start-up that failed is not tried again, and every
# later ask fails with its message. The test helpers (`servers.rs` beside
# the tests) call `var`; ./scripts/test.sh sources this file for
# `install_servers` and `stop_servers`.
set -euo pipefail

log() { printf '==> %s\n' "$*" >&2; }
die() {
    printf 'error: %s\n' "$*" >&2
    exit 1
}

PG_BIN=/usr/lib/postgresql/15/bin
GALERA_LIB=/usr/lib/galera/libgalera_smm.so
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

# Installs whatever the servers need, in one apt-get run. Debian's postgresql-15 starts a
# cluster of its own on 5432 and pgbouncer may start one on 6432: ours use
# other ports. Galera's rsync state transfer (wsrep_sst_rsync, in
# mariadb-server) needs rsync, and ss (iproute2) or lsof to watch its port.
install_servers() {
    local missing=()
    [ -x "$PG_BIN/postgres" ] && [ -x "$PG_BIN/psql" ] || missing+=(postgresql-15)
    if ! command -v mariadbd >/dev/null && ! command -v mysqld >/dev/null ||
        ! command -v wsrep_sst_rsync >/dev/null; then
        missing+=(mariadb-server)
    fi
    [ -f "$GALERA_LIB" ] || missing+=(galera-4)
    command -v rsync >/dev/null || missing+=(rsync)
    command -v ss >/dev/null || command -v lsof >/dev/null || missing+=(iproute2)
    command -v pgrep >/dev/null || missing+=(procps)
    command -v pgbouncer >/dev/null || missing+=(pgbouncer)
    command -v openssl >/dev/null || missing+=(openssl)
    if [ ${#missing[@]} -gt 0 ]; then
        apt_install "${missing[@]}"
    fi
}

# The programs the servers run, found once installed.
find_tools() {
    MYSQLD=$(command -v mariadbd || command -v mysqld) ||
        die "mariadbd is missing: run ./scripts/test.sh, which installs the mariadb-server package"
    MYSQL_INSTALL_DB=$(command -v mariadb-install-db || command -v mysql_install_db) ||
        die "mariadb-install-db is missing: reinstall the mariadb-server package"
    MYSQL_CLIENT=$(command -v mariadb || command -v mysql) ||
        die "the mariadb client is missing: install the mariadb-client package"
    PGBOUNCER=$(command -v pgbouncer) ||
        die "pgbouncer is missing: run ./scripts/test.sh, which installs it"
}

# Sets the variable $1 to the first port from $2 up that nothing listens on
# and that no other server of this run was given: $DB_DIR/ports lists the
# ports given so far, read and extended under a lock, since servers start
# concurrently. Below 32768, where Linux takes no port for the client end
# of a connection (ip_local_port_range): one there could hold a port picked
# as free until its server binds it.
pick_port() {
    local port=$2 fd
    exec {fd}>>"$DB_DIR/ports.lock"
    flock "$fd"
    touch "$DB_DIR/ports"
    while grep -qx "$port" "$DB_DIR/ports" || (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null; do
        port=$((port + 1))
    done
    echo "$port" >>"$DB_DIR/ports"
    exec {fd}>&-
    printf -v "$1" %s "$port"
}

# Whether process $1 runs (a zombie does not).
alive() {
    local state
    state=$(cut -d' ' -f3 "/proc/$1/stat" 2>/dev/null) && [ "$state" != Z ]
}

# Stops every server started under $DB_DIR and removes the folder; the
# EXIT trap of ./scripts/test.sh.
stop_servers() {
    local status=$? pids=() pid file started=()
    set +e
    for file in "$DB_DIR"/env/*; do
        [ -f "$file" ] && started+=("${file##*/}")
    done
    log "test servers started: ${started[*]:-none}"
    # The start-ups under way first (any process naming the folder that is
    # not a server yet), so that none starts a server after this.
    for pid in $(pgrep -f -- "test-servers.sh"); do
        grep -qz -- "$DB_DIR" "/proc/$pid/environ" 2>/dev/null && kill -9 "$pid" 2>/dev/null
    done
    if [ -f "$DB_DIR/pg/postmaster.pid" ]; then
        run_as_pg "$PG_BIN/pg_ctl" -D "$DB_DIR/pg" -m immediate -w stop >/dev/null 2>&1
    fi
    for file in "$DB_DIR"/run/*.pid; do
        [ -f "$file" ] && pids+=("$(cat "$file")")
    done
    # The data is thrown away: no server needs a clean shutdown (which can
    # take a Galera node seconds). A node a test killed is already gone.
    for pid in "${pids[@]}"; do kill -9 -- "-$pid" 2>/dev/null; done
    for _ in $(seq 100); do
        local running=
        for pid in "${pids[@]}"; do alive "$pid" && running=1; done
        [ -z "$running" ] && break
        sleep 0.05
    done
    # Whatever a stopped start-up job left half-way (an initdb, a server not
    # yet in run/): every process started here names the temporary folder.
    for pid in $(pgrep -f -- "$DB_DIR"); do kill -9 "$pid" 2>/dev/null; done
    rm -rf "$DB_DIR"
    exit "$status"
}
# Starts "$@" in the background as the process group NAME ($1) of its own,
# its output in $DB_DIR/NAME.log, and records its pid in run/NAME.pid. The
# server does not inherit the start-up lock (LOCK_FD), which would keep the
# lock taken as long as the server runs.
launch() {
    local name=$1
    shift
    setsid "$@" </dev/null >"$DB_DIR/$name.log" 2>&1 {LOCK_FD}>&- &
    echo $! >"$DB_DIR/run/$name.pid"
    disown $!
}

# initdb, postgres and pgbouncer refuse to run as root: run them as the
# postgres user (made by Debian's package) or, failing that, as nobody.
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

# Galera's nodes run as the mysql user (made by Debian's mariadb-server):
# as root, the rsync daemon that receives a joiner's state transfer drops to
# nobody and cannot write a datadir owned by root.
GALERA_USER=$(id -un)
if [ "$(id -u)" = 0 ]; then
    GALERA_USER=$(id -u mysql >/dev/null 2>&1 && echo mysql || echo nobody)
fi

start_postgres() {
    pick_port PG_PORT 25432
    local tls="$DB_DIR/tls"
    mkdir -p "$DB_DIR/pg" "$DB_DIR/pg-run"
    echo secret >"$DB_DIR/pg-password"
    chown "$PG_USER" "$DB_DIR/pg" "$DB_DIR/pg-run" "$DB_DIR/pg-password"
    run_as_pg "$PG_BIN/initdb" -D "$DB_DIR/pg" -U retort --pwfile="$DB_DIR/pg-password" \
        --auth-host=scram-sha-256 --auth-local=trust -E UTF8 --no-sync \
        >"$DB_DIR/pg-initdb.log" 2>&1 ||
        die "PostgreSQL initdb failed: $(cat "$DB_DIR/pg-initdb.log")"
    # TLS (start_tls): the server's key must belong to the server's user.
    # retort_tls may log in over TLS only, retort_cert only with the client
    # certificate (its CN names the role); these lines come before initdb's.
    cp "$tls/server.pem" "$tls/server.key" "$tls/ca.pem" "$DB_DIR/pg/"
    chown "$PG_USER" "$DB_DIR/pg/server.pem" "$DB_DIR/pg/server.key" "$DB_DIR/pg/ca.pem"
    chmod 600 "$DB_DIR/pg/server.key"
    {
        echo "hostnossl all retort_tls 127.0.0.1/32 reject"
        echo "hostssl all retort_tls 127.0.0.1/32 scram-sha-256"
        echo "hostnossl all retort_cert 127.0.0.1/32 reject"
        echo "hostssl all retort_cert 127.0.0.1/32 cert"
        cat "$DB_DIR/pg/pg_hba.conf"
    } >"$DB_DIR/pg/pg_hba.new"
    mv "$DB_DIR/pg/pg_hba.new" "$DB_DIR/pg/pg_hba.conf"
    chown "$PG_USER" "$DB_DIR/pg/pg_hba.conf"
    # Durability is not needed for tests: fsync off makes them much faster.
    # 300 connections: 200 for the tests, 100 for PgBouncer's pools.
    run_as_pg "$PG_BIN/pg_ctl" -D "$DB_DIR/pg" -l "$DB_DIR/pg-run/pg.log" -w -t 60 \
        -o "-p $PG_PORT -c listen_addresses=127.0.0.1 -k $DB_DIR/pg-run -c fsync=off \
            -c synchronous_commit=off -c full_page_writes=off -c max_connections=300 \
            -c ssl=on -c ssl_cert_file=server.pem -c ssl_key_file=server.key \
            -c ssl_ca_file=ca.pem" \
        start >/dev/null {LOCK_FD}>&- ||
        die "PostgreSQL did not start on port $PG_PORT: $(tail -n 20 "$DB_DIR/pg-run/pg.log")"
    run_as_pg "$PG_BIN/psql" -h "$DB_DIR/pg-run" -p "$PG_PORT" -U retort -d postgres -X -q \
        -v ON_ERROR_STOP=1 -c "CREATE ROLE retort_tls LOGIN PASSWORD 'secret';
            CREATE ROLE retort_cert LOGIN;
            GRANT ALL ON SCHEMA public TO retort_tls, retort_cert;" >/dev/null ||
        die "PostgreSQL: creating the roles retort_tls and retort_cert failed"
    {
        echo "export RETORT_TEST_POSTGRES_URL=postgresql://retort:secret@127.0.0.1:$PG_PORT/postgres"
        echo "export RETORT_TEST_POSTGRES_SOCKET_DIR=$DB_DIR/pg-run"
    } >"$DB_DIR/env/postgres"
    log "PostgreSQL 15 on 127.0.0.1:$PG_PORT"
}

# PgBouncer in transaction pooling mode in front of PostgreSQL: any database
# name is forwarded; it logs clients in with SCRAM from a password file and
# logs in to PostgreSQL with the same password.
start_pgbouncer() {
    local dir="$DB_DIR/pgbouncer" user_line= PG_PORT
    PG_PORT=${RETORT_TEST_POSTGRES_URL##*:}
    PG_PORT=${PG_PORT%%/*}
    pick_port PGBOUNCER_PORT 26432
    mkdir -p "$dir"
    echo '"retort" "secret"' >"$dir/userlist.txt"
    if [ "$(id -u)" = 0 ]; then
        user_line="user = $PG_USER"
        chown -R "$PG_USER" "$dir"
    fi
    chmod 600 "$dir/userlist.txt"
    cat >"$dir/pgbouncer.ini" <<EOF
[databases]
* = host=127.0.0.1 port=$PG_PORT

[pgbouncer]
listen_addr = 127.0.0.1
listen_port = $PGBOUNCER_PORT
unix_socket_dir =
pidfile = $dir/pgbouncer.pid
auth_type = scram-sha-256
auth_file = $dir/userlist.txt
admin_users = retort
pool_mode = transaction
max_client_conn = 500
default_pool_size = 20
max_user_connections = 100
server_idle_timeout = 30
; As many deployments set it (JDBC drivers send these): the \`options\`
; startup parameter is dropped silently, so a URL's search_path does not
; reach the server (tests/integration/fleet.rs checks that a fleet of
; tenant schemas refuses to run there).
ignore_startup_parameters = extra_float_digits,options
$user_line
EOF
    launch pgbouncer "$PGBOUNCER" "$dir/pgbouncer.ini"
    local pid deadline=$((SECONDS + 30))
    pid=$(cat "$DB_DIR/run/pgbouncer.pid")
    until PGPASSWORD=secret "$PG_BIN/psql" -h 127.0.0.1 -p "$PGBOUNCER_PORT" -U retort \
        -d postgres -X -q -t -c 'SELECT 1' >/dev/null 2>&1; do
        alive "$pid" ||
            die "PgBouncer exited at start on port $PGBOUNCER_PORT: $(tail -n 20 "$DB_DIR/pgbouncer.log")"
        [ $SECONDS -lt $deadline ] ||
            die "PgBouncer on port $PGBOUNCER_PORT did not let retort in within 30 s: $(tail -n 20 "$DB_DIR/pgbouncer.log")"
        sleep 0.1
    done
    echo "export RETORT_TEST_PGBOUNCER_URL=postgresql://retort:secret@127.0.0.1:$PGBOUNCER_PORT/postgres" \
        >"$DB_DIR/env/pgbouncer"
    log "PgBouncer $("$PGBOUNCER" --version | awk 'NR == 1 {print $2}') (transaction pooling) on 127.0.0.1:$PGBOUNCER_PORT"
}

# Waits until the server behind socket $2 (process group $1, log $3) answers
# root, then creates the user retort; $4 names the server in messages.
mysql_ready() {
    local pid deadline=$((SECONDS + 60))
    pid=$(cat "$DB_DIR/run/$1.pid")
    until "$MYSQL_CLIENT" --no-defaults --socket="$2" -u root -e 'SELECT 1' >/dev/null 2>&1; do
        alive "$pid" || die "$4 exited at start: $(tail -n 30 "$3")"
        [ $SECONDS -lt $deadline ] ||
            die "$4 did not accept connections within 60 s: $(tail -n 30 "$3")"
        sleep 0.1
    done
    "$MYSQL_CLIENT" --no-defaults --socket="$2" -u root -e \
        "CREATE USER 'retort'@'%' IDENTIFIED BY 'secret';
         GRANT ALL PRIVILEGES ON *.* TO 'retort'@'%' WITH GRANT OPTION;" ||
        die "$4: creating the user retort failed: $(tail -n 30 "$3")"
}

start_mariadb() {
    pick_port MYSQL_PORT 23306
    "$MYSQL_INSTALL_DB" --no-defaults --datadir="$DB_DIR/my" --user=root \
        --auth-root-authentication-method=socket --skip-test-db \
        >"$DB_DIR/my-install.log" 2>&1 ||
        die "mariadb-install-db failed: $(tail -n 20 "$DB_DIR/my-install.log")"
    launch mariadb "$MYSQLD" --no-defaults --user=root --datadir="$DB_DIR/my" --port="$MYSQL_PORT" \
        --bind-address=127.0.0.1 --socket="$DB_DIR/my.sock" --pid-file="$DB_DIR/my.pid" \
        --skip-name-resolve --skip-log-bin --innodb-flush-log-at-trx-commit=0 \
        --innodb-buffer-pool-size=64M --innodb-doublewrite=0 --max-connections=300 \
        --ssl-ca="$DB_DIR/tls/ca.pem" --ssl-cert="$DB_DIR/tls/server.pem" \
        --ssl-key="$DB_DIR/tls/server.key"
    mysql_ready mariadb "$DB_DIR/my.sock" "$DB_DIR/mariadb.log" "MariaDB on port $MYSQL_PORT"
    # TLS (start_tls): retort_tls must use TLS, retort_x509 a client
    # certificate signed by the CA.
    "$MYSQL_CLIENT" --no-defaults --socket="$DB_DIR/my.sock" -u root -e \
        "CREATE USER 'retort_tls'@'%' IDENTIFIED BY 'secret' REQUIRE SSL;
         GRANT ALL PRIVILEGES ON *.* TO 'retort_tls'@'%';
         CREATE USER 'retort_x509'@'%' IDENTIFIED BY 'secret' REQUIRE X509;
         GRANT ALL PRIVILEGES ON *.* TO 'retort_x509'@'%';" ||
        die "MariaDB: creating the users retort_tls and retort_x509 failed"
    {
        echo "export RETORT_TEST_MYSQL_URL=mysql://retort:secret@127.0.0.1:$MYSQL_PORT/mysql"
        echo "export RETORT_TEST_MYSQL_SOCKET=$DB_DIR/my.sock"
    } >"$DB_DIR/env/mariadb"
    log "MariaDB $("$MYSQLD" --version | awk '{print $3}') on 127.0.0.1:$MYSQL_PORT"
}

# --- the Galera cluster: three nodes of one cluster on 127.0.0.1, each with
# a client port, a group communication (gcomm) port, an incremental state
# transfer (IST) port and a state snapshot transfer (SST) port of its own.
# innodb_force_primary_key refuses a table without a primary key (error
# 1173), as managed clusters do (MariaDB's wsrep_mode=REQUIRED_PRIMARY_KEY
# does too, but with an opaque "Galera replication not supported" and lets
# ALTER TABLE drop the key).

# Starts node $1 (1 to 3) in the background, with the options after it.
galera_node() {
    local n=$1 peers=
    shift
    for i in 1 2 3; do peers+="${peers:+,}127.0.0.1:${GALERA_GCOMM[i]}"; done
    launch "galera$n" "$MYSQLD" --no-defaults --user="$GALERA_USER" \
        --datadir="$DB_DIR/galera$n/data" --port="${GALERA_PORT[n]}" --bind-address=127.0.0.1 \
        --socket="$DB_DIR/galera$n/sock" --pid-file="$DB_DIR/galera$n/pid" \
        --skip-name-resolve --skip-log-bin --innodb-flush-log-at-trx-commit=0 \
        --innodb-buffer-pool-size=64M --innodb-log-file-size=8M --max-connections=200 \
        --innodb-temp-data-file-path=ibtmp1:1M:autoextend \
        --binlog-format=ROW --innodb-autoinc-lock-mode=2 --innodb-force-primary-key=1 \
        --wsrep-on=ON --wsrep-provider="$GALERA_LIB" --wsrep-cluster-name=retort-test \
        --wsrep-cluster-address="gcomm://$peers" --wsrep-node-name="node$n" \
        --wsrep-node-address="127.0.0.1:${GALERA_GCOMM[n]}" \
        --wsrep-node-incoming-address="127.0.0.1:${GALERA_PORT[n]}" \
        --wsrep-provider-options="gmcast.listen_addr=tcp://127.0.0.1:${GALERA_GCOMM[n]};ist.recv_addr=127.0.0.1:${GALERA_IST[n]};gcache.size=8M" \
        --wsrep-sst-method=rsync --wsrep-sst-receive-address="127.0.0.1:${GALERA_SST[n]}" \
        "$@"
}

# Node $1's wsrep_cluster_size and wsrep_local_state_comment, tab-separated
# (e.g. "3	Synced"), or nothing while it does not answer.
galera_state() {
    "$MYSQL_CLIENT" --no-defaults --socket="$DB_DIR/galera$1/sock" -u root -N -B -e \
        "SELECT MAX(IF(VARIABLE_NAME = 'WSREP_CLUSTER_SIZE', VARIABLE_VALUE, NULL)),
                MAX(IF(VARIABLE_NAME = 'WSREP_LOCAL_STATE_COMMENT', VARIABLE_VALUE, NULL))
         FROM information_schema.GLOBAL_STATUS" 2>/dev/null || true
}

# Waits until node $1 sees at least $2 nodes and, unless $3 is empty, is in
# the state $3, for at most $4 seconds; node $5 must keep running meanwhile
# (the one joining). Dies with that node's log tail otherwise.
galera_wait() {
    local n=$1 size=$2 want=$3 timeout=$4 watch=$5 state pid deadline=$((SECONDS + $4))
    pid=$(cat "$DB_DIR/run/galera$watch.pid")
    while :; do
        state=$(galera_state "$n")
        if [ -n "$state" ] && [ "${state%%$'\t'*}" -ge "$size" ] &&
            { [ -z "$want" ] || [ "${state#*$'\t'}" = "$want" ]; }; then
            return
        fi
        alive "$pid" ||
            die "Galera node $watch (port ${GALERA_PORT[watch]}) exited while joining the cluster: $(tail -n 30 "$DB_DIR/galera$watch.log")"
        [ $SECONDS -lt $deadline ] ||
            die "Galera node $n (port ${GALERA_PORT[n]}) did not reach wsrep_cluster_size >= $size${want:+ and $want} within $timeout s (now: ${state:-no answer}): $(tail -n 30 "$DB_DIR/galera$watch.log")"
        sleep 0.1
    done
}

start_galera() {
    local n urls='' node_pids=''
    GALERA_PORT=() GALERA_GCOMM=() GALERA_IST=() GALERA_SST=()
    for n in 1 2 3; do
        pick_port "GALERA_PORT[$n]" 23406
        pick_port "GALERA_GCOMM[$n]" 24567
        pick_port "GALERA_IST[$n]" 24667
        pick_port "GALERA_SST[$n]" 24767
    done
    for n in 1 2 3; do
        mkdir -p "$DB_DIR/galera$n/data"
        [ "$(id -u)" != 0 ] || chown -R "$GALERA_USER" "$DB_DIR/galera$n"
    done
    # Node 1 bootstraps the cluster; 2 and 3 start empty and receive its
    # data by rsync (SST), 3 once 2 is in the cluster (starting both at once
    # makes their joins slower).
    "$MYSQL_INSTALL_DB" --no-defaults --datadir="$DB_DIR/galera1/data" --user="$GALERA_USER" \
        --auth-root-authentication-method=socket --skip-test-db \
        >"$DB_DIR/galera1-install.log" 2>&1 ||
        die "mariadb-install-db for Galera node 1 failed: $(tail -n 20 "$DB_DIR/galera1-install.log")"
    galera_node 1 --wsrep-new-cluster
    mysql_ready galera1 "$DB_DIR/galera1/sock" "$DB_DIR/galera1.log" \
        "Galera node 1 on port ${GALERA_PORT[1]}"
    galera_wait 1 1 Synced 60 1
    galera_node 2
    galera_wait 1 2 '' 120 2
    galera_node 3
    galera_wait 2 3 Synced 120 2
    galera_wait 3 3 Synced 120 3
    galera_wait 1 3 Synced 120 1
    for n in 1 2 3; do
        MYSQL_PWD=secret "$MYSQL_CLIENT" --no-defaults --protocol=TCP -h 127.0.0.1 \
            -P "${GALERA_PORT[n]}" -u retort -e 'SELECT 1' >/dev/null ||
            die "Galera node $n does not let retort in on port ${GALERA_PORT[n]}"
        urls+="${urls:+,}mysql://retort:secret@127.0.0.1:${GALERA_PORT[n]}/mysql"
        node_pids+="${node_pids:+,}$(cat "$DB_DIR/run/galera$n.pid")"
    done
    {
        echo "export RETORT_TEST_GALERA_URLS=$urls"
        echo "export RETORT_TEST_GALERA_PIDS=$node_pids"
    } >"$DB_DIR/env/galera"
    log "MariaDB Galera cluster, 3 nodes synced, on 127.0.0.1:${GALERA_PORT[1]},${GALERA_PORT[2]},${GALERA_PORT[3]}"
}

# The throw-away certificates of the TLS tests (KIND tls, started before
# PostgreSQL and MariaDB, which use them), in $DB_DIR/tls: a CA, an
# unrelated "wrong" CA, the servers' certificate (signed by the CA, for the
# host name localhost only: no IP address, so that a connection to
# 127.0.0.1 is a host name mismatch) and a client certificate for CN
# retort_cert. P-256 keys: quick to make.
start_tls() {
    local dir="$DB_DIR/tls" days=30 name
    mkdir -p "$dir"
    for name in ca wrong-ca; do
        openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes \
            -keyout "$dir/$name.key" -out "$dir/$name.pem" -days "$days" \
            -subj "/CN=retort test $name" \
            -addext "basicConstraints=critical,CA:TRUE" \
            -addext "keyUsage=critical,keyCertSign,cRLSign" 2>/dev/null ||
            die "openssl could not make the test CA $name"
    done
    printf '%s\n' "basicConstraints=CA:FALSE" "keyUsage=critical,digitalSignature" \
        "extendedKeyUsage=serverAuth" "subjectAltName=DNS:localhost" >"$dir/server.ext"
    printf '%s\n' "basicConstraints=CA:FALSE" "keyUsage=critical,digitalSignature" \
        "extendedKeyUsage=clientAuth" >"$dir/client.ext"
    for name in server client; do
        local cn=localhost
        [ "$name" = client ] && cn=retort_cert
        openssl req -new -newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes \
            -keyout "$dir/$name.key" -out "$dir/$name.csr" -subj "/CN=$cn" 2>/dev/null &&
            openssl x509 -req -in "$dir/$name.csr" -CA "$dir/ca.pem" -CAkey "$dir/ca.key" \
                -CAcreateserial -days "$days" -extfile "$dir/$name.ext" \
                -out "$dir/$name.pem" 2>/dev/null ||
            die "openssl could not make the test $name certificate"
    done
    chmod 755 "$dir"
    chmod 644 "$dir"/*.pem
    chmod 600 "$dir"/*.key
    {
        echo "export RETORT_TEST_TLS_CA=$dir/ca.pem"
        echo "export RETORT_TEST_TLS_WRONG_CA=$dir/wrong-ca.pem"
        echo "export RETORT_TEST_TLS_CLIENT_CERT=$dir/client.pem"
        echo "export RETORT_TEST_TLS_CLIENT_KEY=$dir/client.key"
    } >"$DB_DIR/env/tls"
}

# The KIND that sets the variable $1.
kind_of() {
    case $1 in
    RETORT_TEST_POSTGRES_*) echo postgres ;;
    RETORT_TEST_PGBOUNCER_*) echo pgbouncer ;;
    RETORT_TEST_MYSQL_*) echo mariadb ;;
    RETORT_TEST_GALERA_*) echo galera ;;
    RETORT_TEST_TLS_*) echo tls ;;
    *) die "no test server sets $1 (see scripts/test-servers.sh)" ;;
    esac
}

# Starts KIND ($1) unless it is up, then loads its variables here. The lock
# is held in LOCK_FD, which the servers do not inherit (see `launch`).
ensure() {
    local kind=$1
    case $kind in
    tls | galera) ;;
    postgres | mariadb) ensure tls ;;
    pgbouncer) ensure postgres ;;
    *) die "unknown test server $kind: postgres, pgbouncer, mariadb, galera or tls" ;;
    esac
    exec {LOCK_FD}>>"$DB_DIR/start-$kind.lock"
    flock "$LOCK_FD"
    if [ -f "$DB_DIR/failed-$kind" ]; then
        die "$(cat "$DB_DIR/failed-$kind")"
    fi
    if [ ! -f "$DB_DIR/env/$kind" ]; then
        local started=$SECONDS
        # In a subshell, so that its `die` comes back here.
        if ! (find_tools && "start_$kind") 2>"$DB_DIR/start-$kind.err"; then
            {
                echo "starting the $kind test server failed (its data and logs: $DB_DIR):"
                cat "$DB_DIR/start-$kind.err"
            } >"$DB_DIR/failed-$kind"
            die "$(cat "$DB_DIR/failed-$kind")"
        fi
        cat "$DB_DIR/start-$kind.err" >&2
        log "$kind ready in $((SECONDS - started)) s"
    fi
    exec {LOCK_FD}>&-
    # shellcheck source=/dev/null
    . "$DB_DIR/env/$kind"
}

if [ "${BASH_SOURCE[0]}" = "$0" ]; then
    DB_DIR=${RETORT_TEST_DB_DIR:-}
    [ -n "$DB_DIR" ] && [ -d "$DB_DIR/env" ] ||
        die "RETORT_TEST_DB_DIR is not set: run the tests through ./scripts/test.sh, which makes it and stops the servers at the end"
    case ${1:-} in
    var)
        [ $# -eq 2 ] || die "usage: $0 var NAME"
        ensure "$(kind_of "$2")"
        [ -n "${!2:-}" ] || die "the $(kind_of "$2") test server does not set $2"
        printf '%s\n' "${!2}"
        ;;
    ensure)
        [ $# -ge 2 ] || die "usage: $0 ensure KIND..."
        shift
        for kind in "$@"; do
            ensure "$kind"
            cat "$DB_DIR/env/$kind"
        done
        ;;
    *) die "usage: $0 var NAME | ensure KIND..." ;;
    esac
fi
