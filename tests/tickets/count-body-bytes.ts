// Counts the body bytes a test's fetch calls actually read, by wrapping global fetch: the way to
// show a download stopped early, whatever the sockets between client and server buffered.

export function countBodyBytes(): { bytes: number } {
  const realFetch = globalThis.fetch;
  const counted = { bytes: 0 };
  jest.spyOn(globalThis, 'fetch').mockImplementation(async (input, init) => {
    const response = await realFetch(input, init);
    if (!response.ok || response.body === null) return response;
    const counter = new TransformStream<Uint8Array, Uint8Array>({
      transform(chunk, controller) {
        counted.bytes += chunk.byteLength;
        controller.enqueue(chunk);
      },
    });
    return new Response(response.body.pipeThrough(counter), { status: response.status, headers: response.headers });
  });
  return counted;
}
