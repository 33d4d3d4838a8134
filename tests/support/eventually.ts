// The one way tests wait: poll a check until it passes or its deadline passes, then fail with
// the check's own last error. No sleeping then asserting.
const POLL_MS = 20;

export async function eventually<T>(
  check: () => T | Promise<T>,
  options: { timeoutMs?: number; what?: string } = {},
): Promise<T> {
  const deadline = Date.now() + (options.timeoutMs ?? 10_000);
  for (;;) {
    try {
      return await check();
    } catch (error) {
      if (Date.now() >= deadline) {
        const reason = error instanceof Error ? error.message : String(error);
        throw new Error(`${options.what ?? 'condition'} not met within ${options.timeoutMs ?? 10_000} ms: ${reason}`, {
          cause: error,
        });
      }
    }
    await new Promise((resolve) => setTimeout(resolve, POLL_MS));
  }
}
