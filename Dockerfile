# Production image: gunicorn serving Django; the same image runs the Celery worker and beat.
FROM python:3.11-slim-bookworm

ENV PYTHONDONTWRITEBYTECODE=1 PYTHONUNBUFFERED=1 PIP_DISABLE_PIP_VERSION_CHECK=1
RUN apt-get update \
 && apt-get install -y --no-install-recommends libpango-1.0-0 libpangoft2-1.0-0 libharfbuzz-subset0 gettext \
 && rm -rf /var/lib/apt/lists/*
RUN useradd --create-home --uid 1000 wasl
WORKDIR /app
COPY pyproject.toml README.md ./
RUN pip install --no-cache-dir .
COPY . .
# Production settings with placeholder values: collectstatic reads no secret and opens no connection.
RUN DJANGO_SETTINGS_MODULE=config.settings.production DJANGO_SECRET_KEY=build-only DJANGO_ALLOWED_HOSTS=build \
    DATABASE_URL=postgres://build@localhost/build REDIS_URL=redis://localhost \
    WASL_MFA_KEY=build-only-placeholder-never-used-to-encrypt \
    python manage.py collectstatic --noinput
# Private files (WASL_MEDIA_ROOT): writable by the application user; docker-compose mounts a volume
# here that web, worker and beat share (the worker renders documents the web serves).
RUN mkdir -p var/media && chown wasl:wasl var/media
USER wasl
EXPOSE 8000
CMD ["gunicorn", "config.wsgi:application", "--bind", "0.0.0.0:8000", "--workers", "3", "--access-logfile", "-"]
