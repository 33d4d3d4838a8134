// Composition root of the web process: webhooks, health, metrics, Bull Board, internal API.
import { createServer, type Server } from 'node:http';
import { loadConfig } from '../config';
import { makeRequestListener } from '../http/app';
import { startTracing } from '../observability/tracing';
import type { Readiness } from '../http/routes/health';
import { buildDeps, type BuiltDeps } from './build-deps';
import { onShutdownSignal, runMain, type ShutdownStep } from './shutdown';

/** Starts the HTTP server; returns it and the shutdown steps that stop it cleanly. */
export async function startWeb(deps: BuiltDeps): Promise<{ server: Server; stop: ShutdownStep[] }> {
  const readiness: Readiness = { shuttingDown: false };
  const server = createServer(makeRequestListener(deps, { readiness }));
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(deps.config.port, () => {
      server.off('error', reject);
      resolve();
    });
  });
  // Longer than the platform router's idle timeout, so it never reuses a socket we just closed.
  server.keepAliveTimeout = 65_000;
  const address = server.address();
  const port = typeof address === 'object' && address ? address.port : deps.config.port;
  deps.logger.info({ port }, `web listening on port ${port}`);
  return {
    server,
    stop: [
      { name: 'readiness', run: async () => void (readiness.shuttingDown = true) },
      {
        name: 'http server',
        // Stop accepting, let in-flight requests finish, then drop idle keep-alive sockets.
        run: () =>
          new Promise<void>((resolve) => {
            server.close(() => resolve());
            server.closeIdleConnections();
          }),
      },
    ],
  };
}

if (require.main === module) {
  runMain(async () => {
    const config = loadConfig();
    const stopTracing = startTracing(config);
    const deps = buildDeps(config, { role: 'web' });
    const starting = startWeb(deps);
    // Listening before the server is: a SIGTERM right after it starts must not find Node's default.
    onShutdownSignal(deps.logger, async () => [
      ...(await starting).stop,
      { name: 'connections', run: () => deps.close() },
      // Last, so the spans of the final requests are sent too.
      { name: 'tracing', run: stopTracing },
    ]);
    await starting;
  });
}
