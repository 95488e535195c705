# syntax=docker/dockerfile:1
# One image for both processes of the service, built once (`npm run build` → dist/); the
# command picks which process runs:
#   API:        node dist/api/main.js      (the default)
#   worker:     node dist/worker.js
#   migrations: node dist/db/migrate-cli.js
#   CLI:        node dist/cli/main.js …
# Configured only by the environment (docs/operations.md). Runs as the unprivileged `node` user.
#
# `docker build --target check .` type-checks the sources, tests included, with the full dev dependencies.

ARG NODE_IMAGE=node:20.19.5-bookworm-slim

# --- production dependencies only -----------------------------------------------------------
FROM ${NODE_IMAGE} AS deps
WORKDIR /app
ENV NODE_ENV=production
COPY package.json package-lock.json ./
RUN npm ci --omit=dev --no-audit --no-fund && npm cache clean --force

# --- build: compile src/ to dist/ and bundle the workflow code once (not in the runtime image) --
FROM ${NODE_IMAGE} AS build
WORKDIR /app
COPY package.json package-lock.json ./
RUN npm ci --no-audit --no-fund --ignore-scripts
COPY tsconfig.json tsconfig.build.json ./
COPY src ./src
COPY scripts/build.ts ./scripts/build.ts
RUN npm run build

# --- type check of everything (not part of the runtime image) -------------------------------
FROM build AS check
COPY vitest.config.ts ./
COPY test ./test
COPY scripts ./scripts
COPY bench ./bench
RUN npx tsc --noEmit

# --- runtime -------------------------------------------------------------------------------
FROM ${NODE_IMAGE} AS runtime
WORKDIR /app
ENV NODE_ENV=production \
    PORT=3000 \
    METRICS_PORT=9464
COPY --from=deps /app/node_modules ./node_modules
COPY package.json ./
COPY migrations ./migrations
COPY --from=build /app/dist ./dist
USER node
EXPOSE 3000 9464
STOPSIGNAL SIGTERM
# Health checks are per process (API: /readyz on PORT; worker: /metrics on METRICS_PORT): see docker-compose.yml.
CMD ["node", "dist/api/main.js"]
