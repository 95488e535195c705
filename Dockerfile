# syntax=docker/dockerfile:1
# One image for both processes of the service; the command picks which:
#   API:    node --import tsx src/api/main.ts      (the default)
#   worker: node --import tsx src/worker.ts
#   migrations: node --import tsx src/db/migrate-cli.ts
# Configured only by the environment (docs/operations.md). Runs as the unprivileged `node` user.
#
# `docker build --target check .` type-checks the sources with the full dev dependencies.

ARG NODE_IMAGE=node:20.19.5-bookworm-slim

# --- production dependencies only (tsx runs the TypeScript sources; no build output) -----
FROM ${NODE_IMAGE} AS deps
WORKDIR /app
ENV NODE_ENV=production
COPY package.json package-lock.json ./
RUN npm ci --omit=dev --no-audit --no-fund && npm cache clean --force

# --- type check (not part of the runtime image) -------------------------------------------
FROM ${NODE_IMAGE} AS check
WORKDIR /app
COPY package.json package-lock.json ./
RUN npm ci --no-audit --no-fund --ignore-scripts
COPY tsconfig.json vitest.config.ts ./
COPY src ./src
COPY test ./test
COPY scripts ./scripts
RUN npx tsc --noEmit

# --- runtime -------------------------------------------------------------------------------
FROM ${NODE_IMAGE} AS runtime
WORKDIR /app
ENV NODE_ENV=production \
    PORT=3000 \
    METRICS_PORT=9464
COPY --from=deps /app/node_modules ./node_modules
COPY package.json tsconfig.json ./
COPY migrations ./migrations
COPY src ./src
# The dev launcher (embedded PostgreSQL, mail capture) and unit tests are not for production.
RUN rm -rf src/dev && find src -name '*.test.ts' -delete
USER node
EXPOSE 3000 9464
STOPSIGNAL SIGTERM
# Health checks are per process (API: /readyz on PORT; worker: /metrics on METRICS_PORT): see docker-compose.yml.
CMD ["node", "--import", "tsx", "src/api/main.ts"]
