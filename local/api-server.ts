// The local API Gateway: turns HTTP requests into HTTP API payload-format-2.0 events for the same handlers,
// running the Lambda authorizer first, as the deployed route does.

import { randomUUID } from 'node:crypto';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import type { AuthorizerResult } from '../functions/authorizer/handler.js';
import type { HttpEvent, HttpResult } from '../shared/runtime/http.js';

export type Route = { method: string; pattern: RegExp; routeKey: string; params: string[]; handler: (event: HttpEvent) => Promise<HttpResult> };

export const MAX_PAYLOAD_BYTES = 10 * 1024 * 1024;

export type ApiServer = { url: string; port: number; stop(): Promise<void> };

function send(res: http.ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}): void {
  res.writeHead(status, { 'content-type': 'application/json', ...headers });
  res.end(typeof body === 'string' ? body : JSON.stringify(body));
}

export async function startApiServer(options: {
  routes: Route[];
  authorizer: (event: { headers: Record<string, string>; routeKey: string }) => Promise<AuthorizerResult>;
  port?: number;
  onError?: (error: unknown) => void;
}): Promise<ApiServer> {
  const server = http.createServer(async (req, res) => {
    try {
      const url = new URL(req.url ?? '/', 'http://local');
      const method = req.method ?? 'GET';
      let route: Route | undefined;
      let match: RegExpExecArray | null = null;
      for (const r of options.routes) {
        if (r.method !== method) continue;
        match = r.pattern.exec(url.pathname);
        if (match) {
          route = r;
          break;
        }
      }
      if (!route || !match) return send(res, 404, { message: 'Not Found' });

      const chunks: Buffer[] = [];
      let size = 0;
      for await (const chunk of req) {
        size += (chunk as Buffer).length;
        if (size > MAX_PAYLOAD_BYTES) return send(res, 413, { message: 'Request Entity Too Large' });
        chunks.push(chunk as Buffer);
      }
      const headers: Record<string, string> = {};
      for (const [k, v] of Object.entries(req.headers)) if (typeof v === 'string') headers[k.toLowerCase()] = v;

      if (!headers.authorization) return send(res, 401, { message: 'Unauthorized' });
      let auth: AuthorizerResult;
      try {
        auth = await options.authorizer({ headers, routeKey: route.routeKey });
      } catch {
        return send(res, 401, { message: 'Unauthorized' });
      }
      if (!auth.isAuthorized || !auth.context) return send(res, 403, { message: 'Forbidden' });

      // Path parameters go to the handler still percent-encoded, as API Gateway passes them: the handler decodes.
      const pathParameters = Object.fromEntries(route.params.map((p, i) => [p, match![i + 1] ?? '']));
      const now = Date.now();
      const body = Buffer.concat(chunks).toString('utf8');
      const event = {
        version: '2.0',
        routeKey: route.routeKey,
        rawPath: url.pathname,
        rawQueryString: url.search.slice(1),
        // As API Gateway does: repeated parameters joined with commas.
        queryStringParameters: url.search
          ? Object.fromEntries([...new Set(url.searchParams.keys())].map((k) => [k, url.searchParams.getAll(k).join(',')]))
          : undefined,
        headers,
        pathParameters,
        requestContext: {
          accountId: 'local',
          apiId: 'local',
          domainName: url.host,
          domainPrefix: 'local',
          http: { method, path: url.pathname, protocol: 'HTTP/1.1', sourceIp: req.socket.remoteAddress ?? '127.0.0.1', userAgent: headers['user-agent'] ?? '' },
          requestId: randomUUID(),
          routeKey: route.routeKey,
          stage: '$default',
          time: new Date(now).toUTCString(),
          timeEpoch: now,
          authorizer: { lambda: auth.context },
        },
        body: body.length ? body : undefined,
        isBase64Encoded: false,
      } as unknown as HttpEvent;
      const result = await route.handler(event);
      send(res, result.statusCode ?? 200, result.body ?? '', (result.headers ?? {}) as Record<string, string>);
    } catch (error) {
      // A handler that throws is a bug; API Gateway answers 500 the same way.
      options.onError?.(error);
      if (!res.headersSent) send(res, 500, { message: 'Internal Server Error' });
    }
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, '127.0.0.1', () => {
      server.off('error', reject);
      resolve();
    });
  });
  const port = (server.address() as AddressInfo).port;
  return {
    url: `http://127.0.0.1:${port}`,
    port,
    stop: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
