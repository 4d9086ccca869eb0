# scripts/lib.sh — shell functions shared by scripts/test and scripts/demo.
#
# Source it from a bash script running with `set -euo pipefail`:
#
#   . "$(dirname "$0")/lib.sh"
#   ensure_deps      # install the Debian 12 build/run dependencies if missing
#   start_cluster    # throw-away PostgreSQL 15 cluster; exports PG* variables
#   ...
#   stop_cluster     # also run automatically on exit
#
# The cluster lives in a fresh `mktemp -d /tmp/migrate-XXXX` directory (data
# directory, Unix socket and server log), listens on no TCP address, trusts
# local connections and is owned by the `postgres` OS user when we are root
# (initdb refuses to run as root). It never touches a system cluster.
# Environment knobs: MIGRATE_PGPORT (default 54329).

PG_MAJOR=15
PG_BINDIR=/usr/lib/postgresql/$PG_MAJOR/bin
# clang and its runtimes (libFuzzer, the sanitizers): test/suites/fuzz.sh
# and sanitize.sh
MIGRATE_DEPS=(postgresql-$PG_MAJOR postgresql-server-dev-$PG_MAJOR
              libsqlite3-dev libssl-dev make gcc pkg-config
              clang libclang-rt-dev)

# Absolute path of the repository root (the directory above scripts/).
REPO_ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
export REPO_ROOT

# Print a message on stderr.
log() { printf '%s\n' "$*" >&2; }

# Run a command as root: directly when we are root, else through sudo.
as_root() {
    if [ "$(id -u)" -eq 0 ]; then "$@"; else sudo "$@"; fi
}

# Run a command as the cluster's owner: `postgres` when we are root,
# otherwise ourselves.
as_pg() {
    if [ "$(id -u)" -eq 0 ]; then runuser -u postgres -- "$@"; else "$@"; fi
}

# Install the packages needed to build and test the extension, skipping apt
# altogether when they are all installed already; then put PostgreSQL 15's
# binaries first on PATH and point PGXS at its pg_config.
ensure_deps() {
    local pkg missing=()
    for pkg in "${MIGRATE_DEPS[@]}"; do
        if [ "$(dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null)" != "install ok installed" ]; then
            missing+=("$pkg")
        fi
    done
    if [ "${#missing[@]}" -gt 0 ]; then
        log "installing: ${missing[*]}"
        as_root env DEBIAN_FRONTEND=noninteractive apt-get update -q
        as_root env DEBIAN_FRONTEND=noninteractive \
            apt-get install -y -q --no-install-recommends "${missing[@]}"
    fi
    export PATH="$PG_BINDIR:$PATH"
    export PG_CONFIG="$PG_BINDIR/pg_config"
}

# Create and start the throw-away cluster, export PGHOST, PGPORT, PGUSER and
# PGDATABASE for it, and arrange for stop_cluster to run on exit.
start_cluster() {
    MIGRATE_PGPORT=${MIGRATE_PGPORT:-54329}
    MIGRATE_TMP=$(mktemp -d /tmp/migrate-XXXX)
    # Stop the cluster and remove the directory however the script ends;
    # INT/TERM go through exit so that the EXIT trap runs.
    trap stop_cluster EXIT
    trap 'exit 130' INT
    trap 'exit 143' TERM
    # Point clients at the new cluster before anything can fail, so that
    # nothing ever reaches a system cluster through the default socket.
    unset PGHOSTADDR PGSERVICE PGPASSWORD PGSSLMODE PGOPTIONS
    export PGHOST="$MIGRATE_TMP" PGPORT="$MIGRATE_PGPORT"
    export PGUSER=postgres PGDATABASE=postgres
    chmod 0755 "$MIGRATE_TMP"
    if [ "$(id -u)" -eq 0 ]; then chown postgres: "$MIGRATE_TMP"; fi

    local pgdata="$MIGRATE_TMP/data"
    if ! as_pg "$PG_BINDIR/initdb" -D "$pgdata" -A trust -U postgres \
            -E UTF8 --locale=C >"$MIGRATE_TMP/initdb.log" 2>&1; then
        cat "$MIGRATE_TMP/initdb.log" >&2
        log "start_cluster: initdb failed"
        return 1
    fi
    cat >>"$pgdata/postgresql.conf" <<EOF
# added by scripts/lib.sh
listen_addresses = ''
unix_socket_directories = '$MIGRATE_TMP'
port = $MIGRATE_PGPORT
fsync = off
EOF
    if ! as_pg "$PG_BINDIR/pg_ctl" -D "$pgdata" -l "$MIGRATE_TMP/postgres.log" \
            -w -t 60 start >/dev/null; then
        cat "$MIGRATE_TMP/postgres.log" >&2 || true
        log "start_cluster: server did not start"
        return 1
    fi

    log "cluster started: PGHOST=$PGHOST PGPORT=$PGPORT (log: $MIGRATE_TMP/postgres.log)"
}

# Stop the cluster started by start_cluster and remove its directory.
# Idempotent and quiet, so it is safe both as the EXIT trap and by hand
# (stdout stays clean: scripts/test's last line must be its summary).
stop_cluster() {
    [ -n "${MIGRATE_TMP:-}" ] || return 0
    if [ -f "$MIGRATE_TMP/data/postmaster.pid" ]; then
        as_pg "$PG_BINDIR/pg_ctl" -D "$MIGRATE_TMP/data" -m fast -w -t 60 stop \
            >/dev/null 2>&1 \
        || as_pg "$PG_BINDIR/pg_ctl" -D "$MIGRATE_TMP/data" -m immediate -w stop \
            >/dev/null 2>&1 || true
    fi
    rm -rf "$MIGRATE_TMP"
    MIGRATE_TMP=
}
