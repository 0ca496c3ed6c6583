// The open-source Portkey gateway (@portkey-ai/gateway), started as a child process on a free loopback port.
import { type ChildProcess, spawn } from 'node:child_process';
import net from 'node:net';
import { fileURLToPath } from 'node:url';

export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = net.createServer();
    srv.once('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const port = (srv.address() as net.AddressInfo).port;
      srv.close(() => resolve(port));
    });
  });
}

export type LocalGateway = { url: string; port: number; stop(): Promise<void>; process: ChildProcess };

export async function startGateway(options: { port?: number } = {}): Promise<LocalGateway> {
  const port = options.port ?? (await freePort());
  // The gateway runs under a watchdog that ends it when this process goes away (stdin closes, parent changes, EPIPE).
  const watchdog = fileURLToPath(new URL('./gateway-watchdog.mjs', import.meta.url));
  const child = spawn(process.execPath, [watchdog, `--port=${port}`, '--headless'], {
    stdio: ['pipe', 'ignore', 'pipe'],
    env: { ...process.env, NODE_ENV: 'production' },
  });
  let stderr = '';
  child.stderr?.on('data', (d: Buffer) => {
    stderr = (stderr + d.toString()).slice(-4000);
  });
  const url = `http://127.0.0.1:${port}`;
  const deadline = Date.now() + 20_000;
  for (;;) {
    if (child.exitCode !== null) throw new Error(`Portkey gateway exited (${child.exitCode}): ${stderr}`);
    try {
      const res = await fetch(url);
      if (res.ok) break;
    } catch {
      /* not listening yet */
    }
    if (Date.now() > deadline) {
      child.kill('SIGKILL');
      throw new Error(`Portkey gateway did not start on ${url}: ${stderr}`);
    }
    await new Promise((r) => setTimeout(r, 50));
  }
  return {
    url: `${url}/v1`,
    port,
    process: child,
    stop: async () => {
      if (child.exitCode !== null || child.signalCode !== null) return;
      const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
      child.stdin?.end();
      child.kill('SIGTERM');
      const timer = setTimeout(() => child.kill('SIGKILL'), 2000);
      await exited;
      clearTimeout(timer);
    },
  };
}
