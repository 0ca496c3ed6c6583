// The demo waits as long as a replay makes progress: a slow (busy) machine is not a stuck run.
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { SwitchyardClient } from '../../../local/client.js';

let server: http.Server | undefined;

/** A replay API whose status answers are, in turn, the given bodies (the last one repeated). */
async function api(bodies: Record<string, unknown>[]): Promise<SwitchyardClient> {
  let i = 0;
  server = http.createServer((_req, res) => {
    const body = bodies[Math.min(i++, bodies.length - 1)];
    res.writeHead(200, { 'content-type': 'application/json' });
    res.end(JSON.stringify(body));
  });
  await new Promise<void>((resolve) => server!.listen(0, '127.0.0.1', resolve));
  return new SwitchyardClient(`http://127.0.0.1:${(server.address() as AddressInfo).port}`, 'sy_test');
}

afterEach(async () => {
  await new Promise((r) => server?.close(r));
});

const running = (stored: number) => ({ status: 'running', progress: { stored, expected: 1000 } });

describe('waiting for a replay', () => {
  it('keeps waiting while the progress moves, past the idle timeout in total', async () => {
    const steps = Array.from({ length: 30 }, (_, i) => running(i * 10));
    const client = await api([...steps, { status: 'completed', recommendation: {} }]);
    const body = await client.waitForReplay('run_1', { timeoutMs: Number.POSITIVE_INFINITY, idleTimeoutMs: 100, intervalMs: 10 });
    expect(body.status).toBe('completed');
  });

  it('gives up when nothing moves for the idle timeout', async () => {
    const client = await api([running(5)]);
    await expect(client.waitForReplay('run_1', { timeoutMs: Number.POSITIVE_INFINITY, idleTimeoutMs: 50, intervalMs: 10 })).rejects.toThrow(/no progress/);
  });
});
