# VantaStatus Core: production image. One image runs every process:
#   npm run api      (default CMD) Fastify API on $PORT (3000)
#   npm run worker   Temporal worker
#   npm run migrate  database migrations against $DATABASE_URL, then exit
# TypeScript runs directly through tsx (a runtime dependency), so the server
# has no build step; the web console and the workflow bundle are built in
# their own stages. See docs/DEPLOY.md.

ARG NODE_IMAGE=node:20-bookworm-slim

# ---- dependencies: production packages only ---------------------------------
FROM ${NODE_IMAGE} AS deps
WORKDIR /app
ENV NPM_CONFIG_AUDIT=false \
    NPM_CONFIG_FUND=false \
    NPM_CONFIG_UPDATE_NOTIFIER=false
COPY package.json package-lock.json ./
# No dependency needs an install script (native parts ship prebuilt), so
# skip them: the result does not depend on npm's script policy.
RUN npm ci --omit=dev --ignore-scripts \
    && npm cache clean --force

# ---- web console: built with the dev dependencies; only web/dist is kept ----
FROM ${NODE_IMAGE} AS web
WORKDIR /app
ENV NPM_CONFIG_AUDIT=false \
    NPM_CONFIG_FUND=false \
    NPM_CONFIG_UPDATE_NOTIFIER=false
COPY package.json package-lock.json ./
RUN npm ci --ignore-scripts
COPY web ./web
COPY scripts/build-web.ts ./scripts/build-web.ts
COPY src/project-root.ts ./src/project-root.ts
RUN node --import tsx scripts/build-web.ts --force

# ---- workflow bundle: built ahead of time, so the worker does not run webpack at every start ----
# Uses the production packages (the SDK's bundler is one of them); the manifest beside the bundle fingerprints
# src/ and the package versions, which are the same in the runtime stage (docs/footprint-notes.md).
FROM deps AS workflows
COPY package.json tsconfig.json ./
COPY src ./src
COPY scripts/build-workflows.ts ./scripts/build-workflows.ts
RUN node --import tsx scripts/build-workflows.ts --force

# ---- runtime -----------------------------------------------------------------
FROM ${NODE_IMAGE} AS runtime
ENV NODE_ENV=production \
    PORT=3000 \
    NPM_CONFIG_AUDIT=false \
    NPM_CONFIG_FUND=false \
    NPM_CONFIG_UPDATE_NOTIFIER=false
WORKDIR /app

# Everything stays owned by root and read-only to the app user; tsx keeps
# its transform cache in the OS temp directory.
COPY --from=deps /app/node_modules ./node_modules
COPY package.json package-lock.json tsconfig.json drizzle.config.ts ./
COPY drizzle ./drizzle
COPY src ./src
# The operator console that the API serves at / (static files, no build at run time).
COPY --from=web /app/web/dist ./web/dist
# The prebuilt workflow bundle and its manifest (src/worker/workflow-bundle.ts).
COPY --from=workflows /app/.build ./.build

# The official Node image's unprivileged "node" user, given by number so
# that runtimes enforcing non-root (e.g. runAsNonRoot) can verify it.
USER 1000:1000

EXPOSE 3000

# Liveness of the API process (the default CMD). Compose overrides this for
# the worker and disables it for the one-shot migrate job.
HEALTHCHECK --interval=15s --timeout=5s --start-period=30s --retries=3 \
    CMD ["node", "-e", "fetch('http://127.0.0.1:'+(process.env.PORT||3000)+'/healthz',{signal:AbortSignal.timeout(4000)}).then(r=>process.exit(r.ok?0:1)).catch(()=>process.exit(1))"]

CMD ["npm", "run", "api"]
