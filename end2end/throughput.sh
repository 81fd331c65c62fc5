#!/usr/bin/env bash
# The citizen's overview under load (issue 15, point 3): pages a second from
# one release-build process on SQLite and on PostgreSQL, each beside the same
# HTML served as a static file by nginx in the same run (the ratio is ours to
# nginx's), then the latency while the overview is asked for at about 200
# pages a second. With PROFILE=1, `perf` samples the server during the SQLite
# run and prints where its CPU time went.
#
# Load comes from wrk (Debian's package) on loopback only; every run is
# bounded by THROUGHPUT_SECONDS. Both servers compress on the fly (ours
# brotli at quality 4, nginx gzip at level 1): a phone asks for both.
#
#   SERVER_BIN=target/server-release/server end2end/throughput.sh
set -euo pipefail

SERVER_BIN=${SERVER_BIN:?set SERVER_BIN to the release build of the server}
SECONDS_EACH=${THROUGHPUT_SECONDS:-10}
CONNECTIONS=${THROUGHPUT_CONNECTIONS:-16}
PACED_RATE=${THROUGHPUT_PACED_RATE:-200}
PG_ADMIN=${TEST_POSTGRES_URL:-postgres://postgres@127.0.0.1:5432/postgres}
NGINX=$(command -v nginx || echo /usr/sbin/nginx)

work=$(mktemp -d /tmp/mitforlob-throughput.XXXXXX)
# nginx's workers run as another user and read the page from here.
chmod 755 "$work"
pg_db="mitforlob_bench_$$"
pids=()
cleanup() {
    for pid in "${pids[@]}"; do kill "$pid" 2>/dev/null || true; done
    wait 2>/dev/null || true
    psql -q "$PG_ADMIN" -c "DROP DATABASE IF EXISTS $pg_db WITH (FORCE)" >/dev/null 2>&1 || true
    rm -rf "$work"
}
trap cleanup EXIT

free_port() {
    python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'
}

wait_for() { # url
    for _ in $(seq 1 300); do
        curl -fs -o /dev/null "$1" && return 0
        sleep 0.1
    done
    echo "no answer from $1" >&2
    exit 1
}

# wrk's figures: requests/s, then the 50th and 99th percentile in ms.
wrk_figures() { # wrk output on stdin
    awk '
        function ms(v) { if (v ~ /us$/) return v / 1000; if (v ~ /ms$/) return v + 0; if (v ~ /s$/) return v * 1000; return v }
        /Requests\/sec/ { rps = $2 }
        /^ +50%/ { p50 = ms($2) }
        /^ +99%/ { p99 = ms($2) }
        /Non-2xx/ { bad = $NF }
        END { printf "%.0f %.2f %.2f %d\n", rps, p50, p99, bad }'
}

# One server process on DATABASE_URL=$1, seeded with the demo data; sets
# `base`, `cookie` and `server_pid`.
start_server() {
    local url=$1 port
    port=$(free_port)
    DATABASE_URL=$url RUST_LOG=warn "$SERVER_BIN" seed-demo >/dev/null
    # As deployed: JSON logs at info, one line a request (here to a file).
    DATABASE_URL=$url MITFORLOB_ADDR=127.0.0.1:$port LEPTOS_SITE_ROOT=$work \
        MITFORLOB_LOG_FORMAT=json RUST_LOG=info \
        "$SERVER_BIN" serve >>"$work/server.log" 2>&1 &
    server_pid=$!
    pids+=("$server_pid")
    base=http://127.0.0.1:$port
    wait_for "$base/readyz"
    cookie=$(curl -s -o /dev/null -D - -X POST "$base/api/login" \
        --data-urlencode "email=sofie@demo.mitforlob.dk" \
        --data-urlencode "password=demo-forloeb-2026" |
        tr -d '\r' | sed -n 's/^[Ss]et-[Cc]ookie: \([A-Za-z_-]*session=[^;]*\).*/\1/p' | head -1)
    [ -n "$cookie" ] || { echo "could not log in on $url" >&2; exit 1; }
    # The page must be the overview itself, not a login or error page.
    curl -fs -H "cookie: $cookie" "$base/" >"$work/overview.html"
    grep -q 'Hej Sofie' "$work/overview.html" || { echo "the overview did not answer as Sofie" >&2; exit 1; }
}

stop_server() {
    kill "$server_pid"
    wait "$server_pid" 2>/dev/null || true
}

start_nginx() {
    nginx_port=$(free_port)
    mkdir -p "$work/nginx/html"
    cp "$work/overview.html" "$work/nginx/html/index.html"
    cat >"$work/nginx/nginx.conf" <<EOF
daemon off;
worker_processes 2;
pid $work/nginx/nginx.pid;
error_log $work/nginx/error.log warn;
events { worker_connections 1024; }
http {
    access_log off;
    sendfile on;
    gzip on;
    gzip_min_length 1024;
    client_body_temp_path $work/nginx/body;
    proxy_temp_path $work/nginx/proxy;
    fastcgi_temp_path $work/nginx/fastcgi;
    uwsgi_temp_path $work/nginx/uwsgi;
    scgi_temp_path $work/nginx/scgi;
    server {
        listen 127.0.0.1:$nginx_port;
        root $work/nginx/html;
        default_type text/html;
        location / { try_files /index.html =404; }
    }
}
EOF
    "$NGINX" -p "$work/nginx" -e "$work/nginx/error.log" -c "$work/nginx/nginx.conf" &
    pids+=("$!")
    wait_for "http://127.0.0.1:$nginx_port/"
}

load() { # url, extra wrk args...
    local url=$1
    shift
    wrk -t2 -c"$CONNECTIONS" -d"${SECONDS_EACH}s" --latency \
        -H "cookie: $cookie" -H "accept-encoding: br, gzip" -H "accept: text/html" "$@" "$url"
}

# About PACED_RATE requests a second over 4 connections: each waits
# 4/PACED_RATE s (less about a millisecond for the answer) before its next.
cat >"$work/paced.lua" <<EOF
function delay() return math.max(0, math.floor(4000 / $PACED_RATE) - 1) end
EOF

measure() { # name, database url
    local name=$1 url=$2
    start_server "$url"
    local html_kb
    html_kb=$(awk -v b="$(stat -c %s "$work/overview.html")" 'BEGIN { printf "%.1f", b / 1024 }')
    # Warm up: the first requests fill the connection pool and caches.
    wrk -t1 -c4 -d2s -H "cookie: $cookie" "$base/" >/dev/null
    local profile_pid=
    if [ "${PROFILE:-0}" = 1 ] && [ "$name" = SQLite ]; then
        perf record -F 999 -g -o "$work/perf.data" -p "$server_pid" -- sleep "$SECONDS_EACH" >/dev/null 2>&1 &
        profile_pid=$!
    fi
    read -r ours ours_p50 ours_p99 ours_bad < <(load "$base/" | wrk_figures)
    [ -n "$profile_pid" ] && wait "$profile_pid"
    read -r paced paced_p50 paced_p99 paced_bad < <(wrk -t2 -c4 -d"${SECONDS_EACH}s" --latency -s "$work/paced.lua" \
        -H "cookie: $cookie" -H "accept-encoding: br, gzip" -H "accept: text/html" "$base/" | wrk_figures)
    stop_server
    start_nginx
    read -r static static_p50 static_p99 _ < <(load "http://127.0.0.1:$nginx_port/" | wrk_figures)
    kill "${pids[-1]}"
    wait "${pids[-1]}" 2>/dev/null || true
    printf '%-10s %8s %8.1f %8.2f %8.2f %10s %8.1f%%   %6s %6.2f %6.2f %6s\n' \
        "$name" "${html_kb} KB" "$ours" "$ours_p50" "$ours_p99" "$static" \
        "$(awk -v a="$ours" -v b="$static" 'BEGIN { print 100 * a / b }')" \
        "$paced" "$paced_p50" "$paced_p99" "$((ours_bad + paced_bad))"
}

echo "overview (/ as Sofie): $CONNECTIONS connections, ${SECONDS_EACH} s a run, $(nproc) cores, wrk and the server on one machine"
printf '%-10s %8s %8s %8s %8s %10s %9s   %6s %6s %6s %6s\n' \
    database html pages/s "p50 ms" "p99 ms" "nginx/s" "of nginx" "paced" "p50" "p99" errors
measure SQLite "sqlite://$work/bench.db"
psql -q "$PG_ADMIN" -c "CREATE DATABASE $pg_db" >/dev/null
[ "${THROUGHPUT_ONLY_SQLITE:-0}" = 1 ] || measure PostgreSQL "${PG_ADMIN%/*}/$pg_db"
echo "goal: >= 3000 pages/s on SQLite, >= 2000 on PostgreSQL; p99 <= 10 ms at ${PACED_RATE}/s (the 'paced' columns)"

if [ "${PROFILE:-0}" = 1 ] && [ -f "$work/perf.data" ]; then
    echo
    echo "Where the server's CPU went under load on SQLite (perf, self time, top 40):"
    perf report -i "$work/perf.data" --stdio --no-children -g none --sort symbol --percent-limit 0.5 2>/dev/null |
        grep -v '^#' | grep '%' | sed 's/ *$//' | cut -c1-160 | head -40
    echo
    echo "By library (self time):"
    perf report -i "$work/perf.data" --stdio --no-children -g none --sort dso --percent-limit 1 2>/dev/null |
        grep -v '^#' | grep '%' | sed 's/ *$//' | head -12
fi
