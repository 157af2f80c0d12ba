#!/usr/bin/env bash
# The one entrypoint of every LoyaltyQMS service, in the container image and on a plain machine.
#
#   entrypoint.sh web            apply migrations, then serve the site with gunicorn
#   entrypoint.sh worker         run a Celery worker
#   entrypoint.sh beat           run the Celery beat scheduler
#   entrypoint.sh migrate        apply migrations and exit
#   entrypoint.sh manage ARGS    run `python manage.py ARGS`
#   entrypoint.sh COMMAND ARGS   run any other command (a shell, a one-off script...)
#
# python, gunicorn and celery are taken from PATH: the image puts /app/.venv/bin first, callers
# on a plain machine put the project's .venv/bin first. Every setting comes from the environment
# (see loyaltyqms/settings.py); this script reads only BIND, PORT, WEB_CONCURRENCY,
# WORKER_CONCURRENCY, LOG_LEVEL and VAR_DIR.
set -euo pipefail

# The repository root (/app in the image) is the directory above this script.
ROOT="$(cd -- "$(dirname -- "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"

LOG_LEVEL="${LOG_LEVEL:-INFO}"
# The same default as settings.VAR_DIR, so beat's schedule lands where Django expects it.
VAR_DIR="${VAR_DIR:-$ROOT/var}"

usage() {
    echo "usage: $0 {web|worker|beat|migrate|manage ARGS...|COMMAND ARGS...}" >&2
}

if [ "$#" -eq 0 ]; then
    usage
    exit 2
fi

command="$1"
shift

case "$command" in
    web)
        python manage.py migrate --no-input
        exec gunicorn loyaltyqms.wsgi:application \
            --bind "${BIND:-0.0.0.0:${PORT:-8000}}" \
            --workers "${WEB_CONCURRENCY:-3}" \
            --access-logfile - \
            --timeout 60 \
            "$@"
        ;;
    worker)
        exec celery -A loyaltyqms worker \
            --loglevel="$LOG_LEVEL" \
            --concurrency="${WORKER_CONCURRENCY:-2}" \
            "$@"
        ;;
    beat)
        mkdir -p "$VAR_DIR"
        exec celery -A loyaltyqms beat \
            --loglevel="$LOG_LEVEL" \
            --schedule="$VAR_DIR/celerybeat-schedule" \
            "$@"
        ;;
    migrate)
        exec python manage.py migrate --no-input "$@"
        ;;
    manage)
        exec python manage.py "$@"
        ;;
    *)
        exec "$command" "$@"
        ;;
esac
