/**
 * A tiny static HTTP server on 127.0.0.1 (random port) for browser tests: named routes to files or
 * in-memory bytes, 404 otherwise.
 */
import { readFile } from 'node:fs/promises';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';

/** What a route serves: a file path (read on each request) or bytes. */
export type StaticContent = { path: string } | { bytes: Uint8Array };

/** A running server. */
export interface StaticServer {
  /** Base URL, e.g. `http://127.0.0.1:40123` (no trailing slash). */
  origin: string;
  /** Add or replace a route (`/name.png`). */
  set(route: string, content: StaticContent, contentType?: string): void;
  /** Stop listening and drop open connections. */
  close(): Promise<void>;
}

const TYPES: Readonly<Record<string, string>> = {
  '.js': 'text/javascript',
  '.html': 'text/html',
  '.png': 'image/png',
  '.jpg': 'image/jpeg',
};

function contentTypeOf(route: string): string {
  const dot = route.lastIndexOf('.');
  return (dot >= 0 ? TYPES[route.slice(dot).toLowerCase()] : undefined) ?? 'application/octet-stream';
}

/**
 * Start a static server on 127.0.0.1 with an OS-chosen port.
 *
 * @returns the server; call `close()` in `afterAll`
 * @example
 * const server = await startStaticServer();
 * server.set('/index.html', { bytes: new TextEncoder().encode('<!doctype html>') });
 */
export async function startStaticServer(): Promise<StaticServer> {
  const routes = new Map<string, { content: StaticContent; type: string }>();
  const server = createServer((req, res) => {
    const route = routes.get(new URL(req.url ?? '/', 'http://x').pathname);
    if (route === undefined) {
      res.writeHead(404, { 'content-type': 'text/plain' }).end('not found');
      return;
    }
    const body = 'bytes' in route.content ? Promise.resolve(route.content.bytes) : readFile(route.content.path);
    body.then(
      (bytes) => res.writeHead(200, { 'content-type': route.type, 'content-length': bytes.byteLength }).end(bytes),
      (e: unknown) => res.writeHead(500, { 'content-type': 'text/plain' }).end(String(e)),
    );
  });
  await new Promise<void>((ok, fail) => {
    server.once('error', fail);
    server.listen(0, '127.0.0.1', () => ok());
  });
  const { port } = server.address() as AddressInfo;
  return {
    origin: `http://127.0.0.1:${port}`,
    set(route, content, contentType) {
      routes.set(route, { content, type: contentType ?? contentTypeOf(route) });
    },
    close() {
      server.closeAllConnections();
      return new Promise<void>((ok, fail) => server.close((e) => (e ? fail(e) : ok())));
    },
  };
}
