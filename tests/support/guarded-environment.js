// The test environment: jest's node environment, plus a check when a test file has finished
// (after every afterAll of the file) that it left no connection or server open. A leaked Worker,
// Queue, Redis connection, Postgres pool or HTTP server keeps a socket; it would make later
// files flaky or keep jest from exiting, so it fails the file that leaked it.
const { TestEnvironment } = require('jest-environment-node');

// Closing is asynchronous (ioredis's disconnect, a server's close): give sockets this long to go.
const GRACE_MS = 3_000;
const SOCKETS = new Set(['TCPSocketWrap', 'TCPServerWrap', 'TCPWRAP']);

const openSockets = () => process.getActiveResourcesInfo().filter((kind) => SOCKETS.has(kind)).length;

class GuardedEnvironment extends TestEnvironment {
  async setup() {
    await super.setup();
    this.socketsBefore = openSockets();
  }

  async teardown() {
    const deadline = Date.now() + GRACE_MS;
    while (openSockets() > this.socketsBefore && Date.now() < deadline) {
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
    const leaked = openSockets() - this.socketsBefore;
    await super.teardown();
    if (leaked > 0) {
      throw new Error(
        `${leaked} socket(s) left open by this test file: close every Worker, Queue, Redis connection, pool and server it opened`,
      );
    }
  }
}

module.exports = GuardedEnvironment;
