#!/usr/bin/env bash
# Measure `make run` from a fresh clone to the first served login page.
#
#   bash tests/bench/fresh_clone_first_page.sh          # warm package cache (a developer's re-clone)
#   COLD=1 bash tests/bench/fresh_clone_first_page.sh   # empty uv cache: every wheel is downloaded
#
# It clones the committed HEAD into a temporary folder, starts `make run` on a free port, polls
# until the login page answers 200, prints the seconds taken, then stops everything it started.
set -euo pipefail

source_repo="$(git -C "$(dirname "$0")" rev-parse --show-toplevel)"
work="$(mktemp -d)"
port="${WEB_PORT:-$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')}"
log="$work/make-run.log"
limit_seconds=900

cleanup() {
  if [ -n "${run_pid:-}" ]; then
    kill -TERM -- "-$run_pid" 2>/dev/null || true
    for _ in $(seq 1 20); do kill -0 "$run_pid" 2>/dev/null || break; sleep 0.5; done
    kill -KILL -- "-$run_pid" 2>/dev/null || true
    wait "$run_pid" 2>/dev/null || true
  fi
  rm -rf "$work"
}
trap cleanup EXIT

git clone --quiet "$source_repo" "$work/repo"
if [ "${COLD:-0}" = 1 ]; then export UV_CACHE_DIR="$work/uv-cache"; fi

started=$(date +%s.%N)
# setsid: make run and everything it starts share one process group, stopped together above.
WEB_PORT="$port" setsid make -C "$work/repo" run >"$log" 2>&1 &
run_pid=$!

url="http://127.0.0.1:$port/accounts/login/"
while true; do
  if [ "$(curl -s -o /dev/null -w '%{http_code}' "$url" || true)" = 200 ]; then break; fi
  elapsed=$(python3 -c "import time; print(int(time.time() - $started))")
  if [ "$elapsed" -gt "$limit_seconds" ] || ! kill -0 "$run_pid" 2>/dev/null; then
    echo "make run did not serve $url within ${elapsed}s; its output:" >&2
    tail -n 40 "$log" >&2
    exit 1
  fi
  sleep 0.5
done
finished=$(date +%s.%N)
printf 'make run, fresh clone -> login page served: %.1f s (%s uv cache)\n' \
  "$(python3 -c "print($finished - $started)")" "$([ "${COLD:-0}" = 1 ] && echo empty || echo warm)"
