# syntax=docker/dockerfile:1
# The SyncFlow server: `syncflow serve` on port 8080 (runners talk on 34431).
#   docker build -t syncflow .
#   docker run -p 8080:8080 -e DATABASE_URL=... -e SYNCFLOW_SECRET_KEY=... -e SYNCFLOW_API_KEY=... syncflow
# Every setting and secret comes from the environment (packages/server/README.md lists them). Without
# DATABASE_URL it runs an embedded PostgreSQL in /var/lib/syncflow (mount a volume there).
#
# Node: the image runs the same Node 24 as development and CI, the binary of the `node` package that
# pnpm-lock.yaml pins, so the base is plain Debian; Debian's own Node only bootstraps pnpm.
ARG DEBIAN_IMAGE=debian:bookworm-slim

# 1. Build and pack every package under packages/, as they would be published.
FROM ${DEBIAN_IMAGE} AS build
# Behind a TLS-intercepting proxy: mount its CA bundle and name it here (build-time only).
ARG NODE_EXTRA_CA_CERTS
RUN apt-get update \
  && apt-get install -y --no-install-recommends nodejs npm ca-certificates \
  && rm -rf /var/lib/apt/lists/*
# Debian's Node (18) only bootstraps: pnpm runs under the project's Node 24 (first on PATH), so the
# optional native packages that need Node 20+ (Vite's rolldown binding) are installed, and the
# dashboard's build in `prepare` runs.
RUN npm install -g --no-audit --no-fund node@24.21.0 && node --version
WORKDIR /src
COPY . .
RUN npx -y pnpm@10.34.9 install --frozen-lockfile \
  && mkdir /tarballs \
  && for p in packages/*/; do \
       (cd "$p" && npx -y pnpm@10.34.9 pack --pack-destination /tarballs) || exit 1; \
     done \
  && cp "$(readlink -f node_modules/node/bin/node)" /node

# 2. Install the tarballs with npm, production dependencies only, as a user outside the repository does.
FROM build AS install
ARG NODE_EXTRA_CA_CERTS
WORKDIR /opt/syncflow
RUN printf '{"name":"syncflow-image","private":true}\n' > package.json \
  && PATH="/src/node_modules/.bin:$PATH" npm install --omit=dev --no-audit --no-fund /tarballs/*.tgz \
  && rm -rf /root/.npm

# 3. The runtime: Debian slim, the Node binary, the installed packages; a non-root user.
FROM ${DEBIAN_IMAGE} AS runtime
RUN groupadd --system syncflow \
  && useradd --system --gid syncflow --home-dir /var/lib/syncflow --create-home --shell /usr/sbin/nologin syncflow
COPY --from=build /node /usr/local/bin/node
COPY --from=install /opt/syncflow /opt/syncflow
ENV NODE_ENV=production \
    PATH=/opt/syncflow/node_modules/.bin:$PATH \
    PORT=8080 \
    SYNCFLOW_HOST=0.0.0.0 \
    SYNCFLOW_DATA_DIR=/var/lib/syncflow
USER syncflow
WORKDIR /var/lib/syncflow
VOLUME /var/lib/syncflow
EXPOSE 8080 34431
# Liveness: /api/v1/health answers 200 while the server runs (no curl in the image: Node's fetch).
HEALTHCHECK --interval=30s --timeout=5s --start-period=60s --retries=3 \
  CMD ["node", "-e", "fetch('http://127.0.0.1:' + process.env.PORT + '/api/v1/health').then((r) => process.exit(r.ok ? 0 : 1), () => process.exit(1))"]
ENTRYPOINT ["syncflow"]
CMD ["serve"]
