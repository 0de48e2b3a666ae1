import http from 'node:http';
import { connect } from 'node:net';

export interface Reply {
  readonly status: number;
  readonly headers: Headers;
  readonly text: string;
  /** The body parsed as JSON, or undefined when it is not JSON. */
  readonly json: unknown;
}

export interface RequestOptions {
  readonly body?: unknown;
  /** Sent as is instead of JSON-encoding `body`. */
  readonly raw?: string;
  readonly headers?: Record<string, string>;
}

function parseJson(text: string): unknown {
  try {
    return text ? JSON.parse(text) : undefined;
  } catch {
    return undefined;
  }
}

/**
 * A small client for the API under test: JSON in, status + headers + parsed body out. With a
 * `token`, every request carries it in `Authorization` unless its own headers set one.
 */
export function apiClient(baseUrl: string, { token }: { readonly token?: string } = {}) {
  return async function call(method: string, path: string, options: RequestOptions = {}): Promise<Reply> {
    const hasBody = options.raw !== undefined || options.body !== undefined;
    const response = await fetch(`${baseUrl}${path}`, {
      method,
      headers: {
        ...(token ? { Authorization: token } : {}),
        ...(hasBody ? { 'Content-Type': 'application/json' } : {}),
        ...options.headers,
      },
      ...(hasBody ? { body: options.raw ?? JSON.stringify(options.body) } : {}),
    });
    const text = await response.text();
    return { status: response.status, headers: response.headers, text, json: parseJson(text) };
  };
}

/**
 * Sends a request with the path exactly as given (fetch would normalise `..` and friends),
 * for the corpus of hostile paths.
 */
export function rawRequest(
  baseUrl: string,
  method: string,
  rawPath: string,
  body?: string,
  headers: Record<string, string> = {},
): Promise<Reply> {
  const { hostname, port } = new URL(baseUrl);
  return new Promise((resolve, reject) => {
    const req = http.request({ host: hostname, port, method, path: rawPath, headers }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (chunk: Buffer) => chunks.push(chunk));
      res.on('end', () => {
        const text = Buffer.concat(chunks).toString('utf8');
        const headers = new Headers();
        for (const [name, value] of Object.entries(res.headers)) {
          if (typeof value === 'string') headers.set(name, value);
        }
        resolve({ status: res.statusCode ?? 0, headers, text, json: parseJson(text) });
      });
    });
    req.on('error', reject);
    req.end(body);
  });
}

export type ApiClient = ReturnType<typeof apiClient>;

/**
 * Writes a request byte for byte (two Host lines, an absolute-form target), as no HTTP client
 * will, to a server on 127.0.0.1. The socket stays open until the answer: a client that
 * half-closes first gets none from Node.
 */
export function sendRaw(port: number, head: string, body = ''): Promise<{ status: number; text: string }> {
  return new Promise((resolve, reject) => {
    const socket = connect({ host: '127.0.0.1', port }, () =>
      socket.write(
        `${head}\r\nContent-Length: ${Buffer.byteLength(body)}\r\nConnection: close\r\n\r\n${body}`,
      ),
    );
    let text = '';
    socket.setEncoding('utf8');
    socket.on('data', (chunk: string) => {
      text += chunk;
    });
    socket.on('error', reject);
    socket.on('close', () => resolve({ status: Number(/^HTTP\/1\.1 (\d{3})/.exec(text)?.[1] ?? 0), text }));
  });
}
