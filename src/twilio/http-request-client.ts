// The official twilio client's HTTP layer on node:http instead of its default (axios): the same
// requests (method, Basic auth, a form or JSON body, a query string) on kept-alive connections,
// every status handed back for the client to judge. A reply is one Twilio call, and axios built
// each one at about twice the CPU (bench/twilio-client.js; fetch cost more than either).
import http from 'node:http';
import https from 'node:https';
import type RequestClient from 'twilio/lib/base/RequestClient';
import Response from 'twilio/lib/http/response';

type Form = Record<string, unknown>;

/** Twilio's form encoding: arrays as repeated fields (qs's arrayFormat "repeat"); nothing for undefined. */
function appendForm(target: URLSearchParams, form: Form): void {
  for (const [name, value] of Object.entries(form)) {
    if (value === undefined || value === null) continue;
    for (const item of Array.isArray(value) ? value : [value]) target.append(name, String(item));
  }
}

/** A failure before any answer, named by `code` as Node names it (ECONNREFUSED, ETIMEDOUT, ...). */
class TwilioNetworkError extends Error {
  constructor(
    message: string,
    readonly code: string,
  ) {
    super(message);
    this.name = 'TwilioNetworkError';
  }
}

export class HttpRequestClient {
  private readonly agents = {
    'http:': new http.Agent({ keepAlive: true, maxSockets: 100 }),
    'https:': new https.Agent({ keepAlive: true, maxSockets: 100 }),
  };
  private readonly authorizations = new Map<string, string>();

  constructor(private readonly defaultTimeoutMs: number) {}

  async request<T>(opts: RequestClient.RequestOptions<T>): Promise<Response<T>> {
    const url = new URL(opts.uri);
    if (opts.params) appendForm(url.searchParams, opts.params as Form);
    const headers: Record<string, string | number> = { ...(opts.headers as Record<string, string>) };
    if (opts.username && opts.password) headers.Authorization = this.basic(opts.username, opts.password);
    else if (opts.authStrategy) headers.Authorization = await opts.authStrategy.getAuthString();
    const payload = body(opts.data as Form | undefined, headers['Content-Type']);
    if (payload !== undefined) headers['Content-Length'] = Buffer.byteLength(payload);
    const transport = url.protocol === 'https:' ? https : http;
    const timeoutMs = opts.timeout ?? this.defaultTimeoutMs;

    return new Promise((resolve, reject) => {
      const fail = (code: string) =>
        reject(new TwilioNetworkError(`${opts.method.toUpperCase()} ${url.pathname}: ${code}`, code));
      const request = transport.request(
        url,
        { method: opts.method.toUpperCase(), headers, agent: this.agents[url.protocol as 'http:' | 'https:'] },
        (response) => {
          const chunks: Buffer[] = [];
          response.on('data', (chunk: Buffer) => chunks.push(chunk));
          response.on('error', () => fail('ECONNRESET'));
          response.on('end', () =>
            resolve(
              new Response(response.statusCode ?? 0, Buffer.concat(chunks).toString('utf8') as T, response.headers),
            ),
          );
        },
      );
      // The whole exchange, not only an idle socket, is bounded.
      const timer = setTimeout(
        () => request.destroy(Object.assign(new Error('timeout'), { code: 'ETIMEDOUT' })),
        timeoutMs,
      );
      request.on('close', () => clearTimeout(timer));
      request.on('error', (error: NodeJS.ErrnoException) => fail(error.code ?? 'ECONNRESET'));
      request.end(payload);
    });
  }

  private basic(username: string, password: string): string {
    const key = `${username}:${password}`;
    let value = this.authorizations.get(key);
    if (value === undefined) {
      value = `Basic ${Buffer.from(key).toString('base64')}`;
      this.authorizations.set(key, value);
    }
    return value;
  }
}

function body(data: Form | undefined, contentType: string | number | undefined): string | undefined {
  if (!data) return undefined;
  if (contentType === 'application/json') return JSON.stringify(data);
  const form = new URLSearchParams();
  appendForm(form, data);
  return form.toString();
}
