#!/usr/bin/env bash
# The load test behind `make load`: gunicorn with production settings on the demo, loaded by
# locust over loopback for a bounded time; prints throughput, p50/p95/p99 and errors per
# endpoint and overall, and exits non-zero when any request failed.
#
#   USERS=300 DURATION=60 bash tests/load/run.sh
#
# USERS (300), DURATION in seconds (60), THINK seconds between two pages of a user ("1-5"),
# SPAWN_RATE users/s (USERS/10: everyone in after 10 s),
# WEB_CONCURRENCY gunicorn workers (2 per core + 1), LOAD_PORT (a free one). The database is a
# fresh SQLite file, or DATABASE_URL when set (a throw-away PostgreSQL database: the demo is
# loaded into it and the run logs complaints). Everything else lives in a temporary folder
# removed at the end: VAR_DIR, collected static files, the file-system broker (no worker runs:
# queued tasks wait there), the logs (kept with KEEP=1). The public survey's per-address
# throttle is raised for the run, since every simulated customer comes from 127.0.0.1.
set -euo pipefail

root="$(cd -- "$(dirname -- "${BASH_SOURCE[0]}")/../.." && pwd)"
cd "$root"
bin="$root/.venv/bin"

users="${USERS:-300}"
duration="${DURATION:-60}"
spawn_rate="${SPAWN_RATE:-$(( users / 10 > 0 ? users / 10 : 1 ))}"
workers="${WEB_CONCURRENCY:-$(( 2 * $(nproc) + 1 ))}"
port="${LOAD_PORT:-$("$bin/python" -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')}"
work="$(mktemp -d "${TMPDIR:-/tmp}/loyaltyqms-load.XXXXXX")"

cleanup() {
  if [ -n "${web_pid:-}" ]; then
    kill -TERM -- "-$web_pid" 2>/dev/null || true
    for _ in $(seq 1 20); do kill -0 "$web_pid" 2>/dev/null || break; sleep 0.5; done
    kill -KILL -- "-$web_pid" 2>/dev/null || true
  fi
  if [ "${KEEP:-0}" = 1 ]; then echo "Logs and data kept in $work"; else rm -rf "$work"; fi
}
trap cleanup EXIT

# Production settings (DEBUG off, hashed static files, secure defaults), on plain HTTP over
# loopback: no TLS redirect, cookies sent without HTTPS.
export DEBUG=false
export SECRET_KEY="load-test-only-$(head -c 24 /dev/urandom | od -An -tx1 | tr -d ' \n')"
export ALLOWED_HOSTS=127.0.0.1 SITE_URL="http://127.0.0.1:$port"
export SECURE_SSL_REDIRECT=false SESSION_COOKIE_SECURE=false CSRF_COOKIE_SECURE=false
export STATICFILES_MANIFEST=true STATIC_ROOT="$work/static" VAR_DIR="$work/var"
export DATABASE_URL="${DATABASE_URL:-sqlite:///$work/var/loyaltyqms.sqlite3}"
export CELERY_BROKER_URL="filesystem://localhost/" CACHE_URL="" CELERY_TASK_ALWAYS_EAGER=false
export PUBLIC_SURVEY_RATE_LIMIT=1000000000
export LOG_LEVEL=WARNING PATH="$bin:$PATH"
mkdir -p "$VAR_DIR"

echo "== Preparing: migrations, the demo, static files (database: ${DATABASE_URL%%://*})"
python manage.py migrate --no-input -v 0
python -m tests.load.prepare "$work/targets.json" >"$work/prepare.log" 2>&1 \
  || { tail -n 30 "$work/prepare.log" >&2; exit 1; }
tail -n 1 "$work/prepare.log"
python manage.py collectstatic --no-input -v 0
echo "   ready after ${SECONDS} s"

echo "== gunicorn: $workers workers on 127.0.0.1:$port"
# setsid: gunicorn and its workers share one process group, stopped together by cleanup.
BIND="127.0.0.1:$port" WEB_CONCURRENCY="$workers" \
  setsid loyaltyqms/entrypoint.sh web --access-logformat '"%(r)s" %(s)s %(M)s' \
  >"$work/gunicorn.log" 2>&1 &
web_pid=$!
for _ in $(seq 1 120); do
  if [ "$(curl -s -o /dev/null -w '%{http_code}' "http://127.0.0.1:$port/healthz" || true)" = 200 ]; then
    break
  fi
  if ! kill -0 "$web_pid" 2>/dev/null; then tail -n 30 "$work/gunicorn.log" >&2; exit 1; fi
  sleep 0.5
done

echo "== locust: $users users (spawned $spawn_rate/s) for ${duration}s"
status=0
LOAD_TARGETS="$work/targets.json" locust -f tests/load/locustfile.py --headless --only-summary \
  --host "http://127.0.0.1:$port" --users "$users" --spawn-rate "$spawn_rate" \
  --run-time "${duration}s" --stop-timeout 10 --loglevel WARNING || status=$?
python tests/load/server_times.py "$work/gunicorn.log"
server_errors="$(grep -cE '" 5[0-9]{2} [0-9]+$' "$work/gunicorn.log" || true)"
echo "gunicorn logged $server_errors responses with a 5xx status."
if [ "$status" -ne 0 ]; then echo "The load test failed (locust exit code $status)." >&2; fi
exit "$status"
