#!/usr/bin/env bash
# pg_ctl wrapper used by the test suite (tests/support/postgres.py).
#
# PostgreSQL refuses to run as root ("cannot be run as root"), but CI runs the
# tests as root.  pytest-postgresql drives everything through pg_ctl:
#   pg_ctl --version
#   pg_ctl initdb --pgdata DATADIR -o "--username=... --auth=trust"
#   pg_ctl start -D DATADIR -o "-F -p PORT ... unix_socket_directories='DIR' ..." -l LOGFILE -w
#   pg_ctl status -D DATADIR
#   pg_ctl stop -D DATADIR -m f
# (initdb is run by pg_ctl itself, from the same bin directory.)
#
# Not root: exec the real pg_ctl unchanged.
# Root: make the paths usable by the unprivileged PostgreSQL OS user, then run
# the real pg_ctl as that user with `runuser -u USER --`:
#   * every existing ancestor directory of DATADIR, LOGFILE, socket dirs and the
#     initdb --pwfile gets o+x (traverse only, no listing) if that user could not
#     enter it (pytest's /tmp/pytest-of-root/... dirs are 0700);
#   * DATADIR is created if missing and given to that user (mode 0700);
#   * LOGFILE is created if missing and given to that user;
#   * a socket dir that is missing is created for that user; an existing one that
#     the user cannot write to is given to it (world-writable /tmp is left alone);
#   * an initdb --pwfile is given to that user so initdb can read it.
# DATADIR and LOGFILE are made absolute and the command runs from /, because the
# caller's working directory may be unreadable for that user.
#
# Environment:
#   ESCALON_PG_CTL      real pg_ctl (default: `command -v pg_ctl`, then /usr/local/bin/pg_ctl)
#   ESCALON_PG_OS_USER  OS user to run PostgreSQL as when root (default: postgres)
set -euo pipefail

die() {
    echo "pg_ctl_wrapper: $*" >&2
    exit 127
}

self="$(readlink -f -- "${BASH_SOURCE[0]}")"
real="${ESCALON_PG_CTL:-}"
if [[ -z "$real" ]]; then
    real="$(command -v pg_ctl || true)"
fi
if [[ -z "$real" ]]; then
    real=/usr/local/bin/pg_ctl
fi
[[ -x "$real" && ! -d "$real" ]] || die "real pg_ctl not found or not executable: '$real' (set ESCALON_PG_CTL)"
[[ "$(readlink -f -- "$real")" != "$self" ]] || die "ESCALON_PG_CTL points at this wrapper"

if [[ "$(id -u)" -ne 0 ]]; then
    exec "$real" "$@"
fi

pg_user="${ESCALON_PG_OS_USER:-postgres}"
pg_uid="$(id -u -- "$pg_user" 2>/dev/null)" ||
    die "running as root but OS user '$pg_user' does not exist (useradd --system $pg_user)"
pg_gid="$(id -g -- "$pg_user")"

# --- parse the pg_ctl command line ------------------------------------------
# DATADIR and LOGFILE are rewritten to absolute paths (we run from /).
abspath() { readlink -m -- "$1"; }

subcommand=""
datadir=""
logfile=""
opts=()      # values of -o/--options
args=()      # rewritten argument list
want_value=""
for arg in "$@"; do
    if [[ -n "$want_value" ]]; then
        case "$want_value" in
            D) arg="$(abspath "$arg")"; datadir="$arg" ;;
            l) arg="$(abspath "$arg")"; logfile="$arg" ;;
            o) opts+=("$arg") ;;
        esac
        args+=("$arg")
        want_value=""
        continue
    fi
    case "$arg" in
        -V | --version | '-?' | --help)
            exec "$real" "$@" ;;
        -D | --pgdata) want_value=D ;;
        -l | --log) want_value=l ;;
        -o | --options) want_value=o ;;
        -e | -m | -N | -P | -S | -t | -U | -p | --mode | --timeout) want_value=skip ;;
        --pgdata=*) datadir="$(abspath "${arg#--pgdata=}")"; arg="--pgdata=$datadir" ;;
        -D?*) datadir="$(abspath "${arg#-D}")"; arg="-D$datadir" ;;
        --log=*) logfile="$(abspath "${arg#--log=}")"; arg="--log=$logfile" ;;
        -l?*) logfile="$(abspath "${arg#-l}")"; arg="-l$logfile" ;;
        --options=*) opts+=("${arg#--options=}") ;;
        -o?*) opts+=("${arg#-o}") ;;
        -*) ;;
        *) [[ -z "$subcommand" ]] && subcommand="$arg" ;;
    esac
    args+=("$arg")
done
if [[ -z "$datadir" && -n "${PGDATA:-}" ]]; then
    datadir="$(abspath "$PGDATA")"
    export PGDATA="$datadir"
fi

# Socket directories and the initdb password file hide inside -o "...".  Split
# it with xargs (shell-like quotes, no expansion - nothing is evaluated).
socket_dirs=()
pwfile=""
if [[ "$subcommand" == initdb || "$subcommand" == init || "$subcommand" == start || "$subcommand" == restart ]]; then
    for o in "${opts[@]+"${opts[@]}"}"; do
        words=()
        mapfile -d '' -t words < <(printf '%s' "$o" | xargs -r printf '%s\0' 2>/dev/null || true)
        prev=""
        for w in "${words[@]+"${words[@]}"}"; do
            case "$w" in
                unix_socket_directories=* | --unix_socket_directories=* | --unix-socket-directories=*)
                    IFS=',' read -r -a dirs <<<"${w#*=}"
                    for d in "${dirs[@]+"${dirs[@]}"}"; do
                        d="${d#"${d%%[![:space:]]*}"}"   # trim leading blanks
                        d="${d%"${d##*[![:space:]]}"}"   # trim trailing blanks
                        [[ "$d" == /* ]] && socket_dirs+=("$d")
                    done ;;
                --pwfile=*) pwfile="${w#--pwfile=}" ;;
            esac
            if [[ "$prev" == -k && "$w" == /* ]]; then socket_dirs+=("$w"); fi
            if [[ "$prev" == --pwfile ]]; then pwfile="$w"; fi
            prev="$w"
        done
    done
fi

# --- make the paths usable by the PostgreSQL OS user --------------------------
# o+x on every existing ancestor directory of $1 that the user could not traverse
# (traverse only: nobody gains the right to list or write those directories).
ensure_traversable() {
    local d owner mode
    d="$(abspath "$1")"
    while [[ "$d" != / ]]; do
        d="${d%/*}"
        [[ -n "$d" ]] || d=/
        [[ -d "$d" ]] || continue
        read -r owner mode < <(stat -c '%u %a' -- "$d")
        if [[ "$owner" != "$pg_uid" ]] && (((8#$mode & 8#001) == 0)); then
            chmod o+x -- "$d"
        fi
    done
}

# Create DIR (mode MODE) for the PostgreSQL user if missing, else hand it over
# unless that user can already write to it (e.g. a sticky world-writable /tmp).
give_dir() {
    local d="$1" mode="$2"
    if [[ ! -e "$d" ]]; then
        mkdir -p -- "$d"
        chown "$pg_uid:$pg_gid" -- "$d"
        chmod "$mode" -- "$d"
    fi
    ensure_traversable "$d"
    if [[ -d "$d" ]] && ! runuser -u "$pg_user" -- test -w "$d" -a -x "$d"; then
        chown "$pg_uid:$pg_gid" -- "$d"
    fi
}

# The data directory belongs to the PostgreSQL user (initdb wants it 0700).
give_datadir() {
    if [[ ! -e "$datadir" ]]; then
        mkdir -p -- "$datadir"
        chown "$pg_uid:$pg_gid" -- "$datadir"
        chmod 0700 -- "$datadir"
    elif [[ "$(stat -c %u -- "$datadir")" != "$pg_uid" ]]; then
        chown -R "$pg_uid:$pg_gid" -- "$datadir"
    fi
    ensure_traversable "$datadir"
}

case "$subcommand" in
    initdb | init)
        if [[ -n "$datadir" ]]; then give_datadir; fi
        if [[ -n "$pwfile" && -f "$pwfile" ]]; then
            ensure_traversable "$pwfile"
            chown "$pg_uid:$pg_gid" -- "$pwfile"
        fi ;;
    start | restart)
        if [[ -n "$datadir" && -d "$datadir" ]]; then give_datadir; fi
        for d in "${socket_dirs[@]+"${socket_dirs[@]}"}"; do
            give_dir "$d" 0700
        done ;;
    *)
        # status, stop, ...: only re-open the path (a concurrent pytest run may
        # have reset /tmp/pytest-of-root to 0700 in the meantime).
        if [[ -n "$datadir" ]]; then ensure_traversable "$datadir"; fi ;;
esac
if [[ -n "$logfile" ]]; then
    mkdir -p -- "$(dirname -- "$logfile")"
    ensure_traversable "$logfile"
    [[ -e "$logfile" ]] || : >"$logfile"
    chown "$pg_uid:$pg_gid" -- "$logfile"
fi

cd /
if [[ "$subcommand" == start || "$subcommand" == restart ]]; then
    # Do not exec: on failure, show the server log (the caller deletes it).
    rc=0
    runuser -u "$pg_user" -- "$real" "${args[@]}" || rc=$?
    if ((rc != 0)) && [[ -n "$logfile" && -s "$logfile" ]]; then
        echo "pg_ctl_wrapper: '$real $subcommand' failed (exit $rc); server log $logfile:" >&2
        tail -n 50 -- "$logfile" >&2 || true
    fi
    exit "$rc"
fi
exec runuser -u "$pg_user" -- "$real" "${args[@]}"
