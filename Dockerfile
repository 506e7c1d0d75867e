# destgraph gateway image.
#   docker build -t destgraph .
#   docker run -p 8000:8000 -v $PWD/gateway.toml:/etc/destgraph/gateway.toml:ro -e SEGMENT_TOKEN=... destgraph
#   docker run -p 8000:8000 -e DESTGRAPH_DEMO_KEY=dg_demo_key destgraph serve --demo --host 0.0.0.0
# Kubernetes manifests for it: deploy/ (kubectl apply -k deploy/).
#
# Base: CPython 3.11, the oldest Python the project supports (requires-python >= 3.11) and the one
# its CI tests and type-checks, so the image runs the interpreter the tests ran. Pinned to the patch
# release and Debian release (trixie, Debian's current stable) so two builds of one commit start
# from the same Python; bump PYTHON_VERSION deliberately. Both stages must use the same image: the
# virtualenv copied from the builder links to the builder's /usr/local/bin/python3.11.
ARG PYTHON_VERSION=3.11.15

# Builder: build the project's wheel and install it, with its dependencies, into /opt/destgraph.
FROM python:${PYTHON_VERSION}-slim-trixie AS build
ENV PIP_NO_CACHE_DIR=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1 \
    PYTHONDONTWRITEBYTECODE=1
WORKDIR /src
# The virtualenv has no pip of its own: the runtime stage needs none, so nothing in the image can
# install packages at run time. The builder's pip installs into it (--python).
RUN python -m venv --without-pip /opt/destgraph
COPY pyproject.toml README.md ./
COPY src ./src
# pip compiles the installed modules to .pyc here, where the file system is writable; at run time
# the root file system may be read-only (deploy/) and PYTHONDONTWRITEBYTECODE keeps Python from trying.
RUN pip wheel --no-cache-dir --no-deps --wheel-dir /wheels . \
    && pip --python /opt/destgraph/bin/python install --no-cache-dir /wheels/destgraph-*.whl

# Runtime: the slim base image plus the virtualenv; no build tools, no wheels, no source tree.
FROM python:${PYTHON_VERSION}-slim-trixie
LABEL org.opencontainers.image.title="destgraph" \
      org.opencontainers.image.description="One GraphQL graph over the destination APIs of Segment, Ours Privacy, Zeotap Composable and Nimriz." \
      org.opencontainers.image.licenses="MIT"
ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PIP_NO_CACHE_DIR=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1 \
    PATH="/opt/destgraph/bin:${PATH}"
# A fixed UID/GID (10001, outside the range distributions hand out) that deploy/ names in
# runAsUser/runAsGroup/fsGroup; no home directory and no login shell.
RUN groupadd --system --gid 10001 destgraph \
    && useradd --system --uid 10001 --gid 10001 --no-create-home --home-dir /nonexistent \
       --shell /usr/sbin/nologin destgraph
COPY --from=build /opt/destgraph /opt/destgraph
# No secrets in the image: vendor tokens come from the environment (each workspace's token_env) and
# the workspace file is mounted at /etc/destgraph/gateway.toml at run time.
WORKDIR /opt/destgraph
# Numeric, so Kubernetes' runAsNonRoot can verify it without reading /etc/passwd.
USER 10001:10001
EXPOSE 8000
# No curl in the slim image: Python asks /healthz itself. urlopen raises (exit 1) on a refused
# connection, a timeout or a non-2xx answer. It assumes the default --port 8000.
HEALTHCHECK --interval=30s --timeout=5s --start-period=15s --retries=3 \
    CMD ["python", "-c", "import urllib.request; urllib.request.urlopen('http://127.0.0.1:8000/healthz', timeout=4)"]
ENTRYPOINT ["destgraph"]
CMD ["serve", "--config", "/etc/destgraph/gateway.toml", "--host", "0.0.0.0", "--port", "8000"]
