// Reads a response body into memory, but never more than a limit: a sender's file is read as it
// arrives and dropped the moment it is too big, so a huge or endless body costs little.

/** The whole body, or 'too-large' as soon as more than `maxBytes` arrived (the rest is not read). */
export async function readCappedBody(
  body: ReadableStream<Uint8Array> | null,
  maxBytes: number,
): Promise<Buffer | 'too-large'> {
  if (body === null) return Buffer.alloc(0);
  const reader = body.getReader();
  const chunks: Uint8Array[] = [];
  let size = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) return Buffer.concat(chunks, size);
    size += value.byteLength;
    if (size > maxBytes) {
      // Cancelling closes the connection: the rest of the body is never downloaded.
      await reader.cancel().catch(() => undefined);
      return 'too-large';
    }
    chunks.push(value);
  }
}
