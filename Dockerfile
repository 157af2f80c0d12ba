# LoyaltyQMS: one image for every service (web, worker, beat); loyaltyqms/entrypoint.sh picks one.
#   docker build -t loyaltyqms .
#   docker run --env-file … loyaltyqms web|worker|beat|migrate|manage ARGS...
FROM python:3.12-slim

ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1 \
    PIP_NO_CACHE_DIR=1 \
    UV_PYTHON_DOWNLOADS=never \
    UV_PYTHON=/usr/local/bin/python3 \
    UV_PROJECT_ENVIRONMENT=/app/.venv \
    UV_COMPILE_BYTECODE=1 \
    UV_LINK_MODE=copy \
    UV_NO_CACHE=1

# The monthly report's engines: WeasyPrint prints the PDF with Pango (text layout), kaleido draws
# its charts in a headless Chromium. The fonts are the project's own (static/vendor/dejavu-*).
RUN apt-get update \
    && apt-get install -y --no-install-recommends libpango-1.0-0 libpangoft2-1.0-0 chromium \
    && rm -rf /var/lib/apt/lists/*

# uv comes from PyPI (no binary downloads), pinned to the version that wrote uv.lock.
RUN pip install "uv==0.13.8"

# The unprivileged user every service runs as; it owns only VAR_DIR.
RUN groupadd --system --gid 10001 app \
    && useradd --system --uid 10001 --gid app --create-home --home-dir /home/app app

WORKDIR /app

# Dependencies first, from the lock file alone, so a code change reuses this layer.
COPY pyproject.toml uv.lock ./
RUN uv sync --frozen --no-dev --no-install-project

# Static files live in the image, outside VAR_DIR: compose mounts a volume on VAR_DIR, which would
# otherwise hide a new release's files behind the previous one's.
ENV PATH="/app/.venv/bin:$PATH" \
    VAR_DIR=/app/var \
    STATIC_ROOT=/app/staticfiles

COPY . .

# Static files are collected at build time, in production mode, and stay owned by root. The key is
# a throw-away that exists only for this command (settings refuse to load without one when DEBUG
# is off).
RUN SECRET_KEY="collectstatic-only-not-a-secret" DEBUG=false \
        python manage.py collectstatic --no-input \
    && mkdir -p /app/var \
    && chown app:app /app/var \
    && chmod 0755 /app/loyaltyqms/entrypoint.sh

USER app

ENV DEBUG=false
EXPOSE 8000
ENTRYPOINT ["/app/loyaltyqms/entrypoint.sh"]
CMD ["web"]
