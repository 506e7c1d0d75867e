# destgraph gateway image.
#   docker build -t destgraph .
#   docker run -p 8000:8000 -e DESTGRAPH_DEMO_KEY=dg_demo_key destgraph serve --demo --host 0.0.0.0
#   docker run -p 8000:8000 -v $PWD/gateway.toml:/etc/destgraph/gateway.toml:ro -e SEGMENT_TOKEN=... destgraph
FROM python:3.11-slim AS build
WORKDIR /src
COPY pyproject.toml README.md ./
COPY src ./src
RUN pip wheel --no-cache-dir --wheel-dir /wheels .

FROM python:3.11-slim
RUN useradd --create-home --uid 10001 destgraph
COPY --from=build /wheels /wheels
RUN pip install --no-cache-dir /wheels/*.whl && rm -rf /wheels
USER destgraph
EXPOSE 8000
HEALTHCHECK --interval=30s --timeout=3s CMD python -c "import urllib.request,sys; urllib.request.urlopen('http://127.0.0.1:8000/healthz', timeout=2)" || exit 1
ENTRYPOINT ["destgraph"]
CMD ["serve", "--config", "/etc/destgraph/gateway.toml", "--host", "0.0.0.0", "--port", "8000"]
