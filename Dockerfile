# One image for the API, the worker and the one-shot migration (see docker-compose.yml).
FROM node:20-bookworm-slim AS build
WORKDIR /app
COPY package.json package-lock.json ./
RUN npm install --no-audit --no-fund --loglevel=error
COPY . .
RUN DATABASE_URL=postgresql://localhost/unused CHECKPOINT_DISABLE=1 node node_modules/prisma/build/index.js generate \
 && npm run build \
 && node -e "require('./scripts/lib/setup.cjs').buildWorkflowBundle({ log: console.log })"

FROM node:20-bookworm-slim
ENV NODE_ENV=production
WORKDIR /app
# Dev dependencies stay: the migrate service runs the Prisma CLI (a dev dependency) from this image.
COPY --from=build /app/node_modules ./node_modules
COPY --from=build /app/dist ./dist
# The pages' stylesheets and scripts are served from the source tree as written (apps/api/src/pages/assets.ts).
COPY --from=build /app/apps/api/src/pages/public ./apps/api/src/pages/public
COPY --from=build /app/.cache/workflow-bundle.js ./dist/workflow-bundle.js
COPY --from=build /app/prisma ./prisma
COPY --from=build /app/scripts ./scripts
COPY --from=build /app/package.json /app/prisma.config.ts ./
ENV WORKFLOW_BUNDLE_PATH=/app/dist/workflow-bundle.js
USER node
EXPOSE 3000
# Reads the database password from DATABASE_PASSWORD_FILE (a Docker secret), then runs the command.
ENTRYPOINT ["sh", "/app/scripts/docker-entrypoint.sh"]
CMD ["node", "--max-old-space-size=384", "dist/apps/api/src/main.js"]
