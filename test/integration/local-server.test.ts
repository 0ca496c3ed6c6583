// `switchyard start` as a long-lived process: state kept on disk across restarts, runs in flight resumed or ended
// (never left running), child processes that die with their parent, and one-line errors for a busy port or data folder.
import { type ChildProcess, execFileSync, spawn } from 'node:child_process';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, inject, it } from 'vitest';
import { SwitchyardClient } from '../../local/client.js';
import { freePort } from '../../local/gateway.js';
import { clientFor, startTestStack } from '../helpers/stack.js';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');
const bin = path.join(root, 'bin', 'switchyard.mjs');
const spawned: ChildProcess[] = [];
const dirs: string[] = [];

async function tempDir(): Promise<string> {
  const dir = await mkdtemp(path.join(os.tmpdir(), 'switchyard-server-'));
  dirs.push(dir);
  return dir;
}

afterAll(async () => {
  // Whatever a failed test left behind: each spawned server leads its own process group (the gateway is in it).
  for (const child of spawned) {
    try {
      if (child.pid) process.kill(-child.pid, 'SIGKILL');
    } catch {
      /* already gone */
    }
  }
  for (const dir of dirs) await rm(dir, { recursive: true, force: true });
});

/** Every process: pid, parent pid and command line (ps works the same on Linux and macOS). */
function processes(): { pid: number; ppid: number; args: string }[] {
  return execFileSync('ps', ['-eo', 'pid=,ppid=,args='], { encoding: 'utf8' })
    .split('\n')
    .map((line) => /^\s*(\d+)\s+(\d+)\s+(.*)$/.exec(line))
    .filter((m): m is RegExpExecArray => m !== null)
    .map((m) => ({ pid: Number(m[1]), ppid: Number(m[2]), args: m[3]! }));
}

function descendants(pid: number): { pid: number; args: string }[] {
  const all = processes();
  const out: { pid: number; args: string }[] = [];
  const walk = (parent: number) => {
    for (const p of all.filter((q) => q.ppid === parent)) {
      out.push(p);
      walk(p.pid);
    }
  };
  walk(pid);
  return out;
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

async function portFree(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const probe = net.createServer();
    probe.once('error', () => resolve(false));
    probe.listen(port, '127.0.0.1', () => probe.close(() => resolve(true)));
  });
}

async function until(what: string, check: () => boolean | Promise<boolean>, ms = 20_000): Promise<void> {
  const deadline = Date.now() + ms;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for: ${what}`);
    await new Promise((r) => setTimeout(r, 200));
  }
}

type Server = { child: ChildProcess; out: () => string; err: () => string; exited: Promise<number | null> };

/** Spawns `switchyard start` (or `npm start`) in its own process group; resolves once it prints its token. */
async function startServer(command: 'node' | 'npm', args: string[]): Promise<Server> {
  const argv = command === 'node' ? [bin, 'start', ...args] : ['start', '--', ...args];
  const child = spawn(command, argv, {
    cwd: root,
    detached: true,
    stdio: ['ignore', 'pipe', 'pipe'],
    env: { ...process.env, SWITCHYARD_TEMPLATES_FILE: inject('templatesFile') },
  });
  spawned.push(child);
  let out = '';
  let err = '';
  child.stdout!.on('data', (d: Buffer) => {
    out += d.toString();
  });
  child.stderr!.on('data', (d: Buffer) => {
    err += d.toString();
  });
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  await until('the server to print its token', () => out.includes('Bearer token') || child.exitCode !== null, 150_000);
  if (!out.includes('Bearer token')) throw new Error(`server exited early: ${err}`);
  return { child, out: () => out, err: () => err, exited };
}

/** The server's gateway watchdog (a descendant of `pid`). */
function gatewayOf(pid: number): number {
  const gateway = descendants(pid).find((p) => p.args.includes('gateway-watchdog'));
  if (!gateway) throw new Error(`no gateway process under ${pid}`);
  return gateway.pid;
}

describe('switchyard start as a process', () => {
  it('answers a busy port with one line and exit code 1, before starting anything', async () => {
    const blocker = net.createServer();
    await new Promise<void>((resolve) => blocker.listen(0, '127.0.0.1', resolve));
    const port = (blocker.address() as net.AddressInfo).port;
    try {
      const child = spawn(process.execPath, [bin, 'start', '--port', String(port), '--memory'], { cwd: root, stdio: ['ignore', 'pipe', 'pipe'] });
      spawned.push(child);
      let err = '';
      child.stderr!.on('data', (d: Buffer) => {
        err += d.toString();
      });
      const code = await new Promise<number | null>((resolve) => child.once('exit', resolve));
      expect(code).toBe(1);
      expect(err.trim().split('\n')).toEqual([
        `switchyard start: port ${port} is already in use (another switchyard start?); stop that process or pass --port N`,
      ]);
    } finally {
      blocker.close();
    }
  });

  it('refuses a second server on a data folder another live process holds', async () => {
    const data = path.join(await tempDir(), 'data');
    await mkdir(data, { recursive: true });
    // This test process stands in for a live server holding the folder.
    await writeFile(path.join(data, 'server.pid'), `${process.pid}\n`);
    const child = spawn(process.execPath, [bin, 'start', '--port', String(await freePort()), '--data', data], { cwd: root, stdio: ['ignore', 'pipe', 'pipe'] });
    spawned.push(child);
    let err = '';
    child.stderr!.on('data', (d: Buffer) => {
      err += d.toString();
    });
    const code = await new Promise<number | null>((resolve) => child.once('exit', resolve));
    expect(code).toBe(1);
    expect(err).toContain(`data folder ${data} is in use by another switchyard start (pid ${process.pid})`);
  });

  it('after kill -9 of the server, its gateway exits and the port is free; the next start takes over the data folder', async () => {
    const data = path.join(await tempDir(), 'data');
    const port = await freePort();
    const server = await startServer('node', ['--port', String(port), '--data', data]);
    expect(server.out()).toContain(`Data: ${data} (kept across restarts`);
    const gateway = gatewayOf(server.child.pid!);
    process.kill(server.child.pid!, 'SIGKILL');
    await server.exited;
    await until('the orphaned gateway to exit', () => !alive(gateway));
    await until('the port to be free', () => portFree(port));

    // The lock left by the killed server is stale: a new server starts on the same folder, and SIGTERM stops it all.
    const again = await startServer('node', ['--port', String(port), '--data', data]);
    const gateway2 = gatewayOf(again.child.pid!);
    process.kill(again.child.pid!, 'SIGTERM');
    expect(await again.exited).toBe(0);
    expect(alive(gateway2)).toBe(false);
    expect(await portFree(port)).toBe(true);
  }, 400_000);

  it('after kill -9 of npm, the server and its gateway exit', async () => {
    const port = await freePort();
    const npm = await startServer('npm', ['--port', String(port), '--memory']);
    expect(npm.out()).toContain('Data: in memory (--memory)');
    const server = descendants(npm.child.pid!).find((p) => p.args.includes('switchyard.mjs start'));
    expect(server).toBeDefined();
    const gateway = gatewayOf(server!.pid);
    process.kill(npm.child.pid!, 'SIGKILL');
    await until('the server to exit', () => !alive(server!.pid));
    await until('the gateway to exit', () => !alive(gateway));
    await until('the port to be free', () => portFree(port));
  }, 200_000);
});

describe('runs in flight at a restart (data folder)', () => {
  const captures = Array.from({ length: 4 }, (_, i) => ({
    id: `restart-${i}`,
    model: 'gpt-4o-mini',
    messages: [{ role: 'user' as const, content: `Name a colour for the number ${i}.` }],
    completion: 'Blue.',
    usage: { prompt_tokens: 10, completion_tokens: 2 },
    tags: { group: 'restart' },
  }));
  const replay = { candidate_models: ['claude-3.5-haiku'], captures: { tags: { group: 'restart' } } };

  /** A stack with no worker: the run's items stay queued, as when the server stops mid-run. */
  async function runLeftInFlight(data: string): Promise<{ runId: string; tenant: string }> {
    const stack = await startTestStack({ dataPath: data, workerConcurrency: 0 });
    try {
      const client = await clientFor(stack, 'restart');
      expect((await client.captureAll(captures)).stored).toBe(4);
      const res = await client.request('POST', '/v1/replays', replay);
      expect(res.status, JSON.stringify(res.body)).toBe(202);
      return { runId: String(res.body.run_id), tenant: 'restart' };
    } finally {
      await stack.stop();
    }
  }

  it('resumes a running run from its work journal and finishes it', async () => {
    const data = path.join(await tempDir(), 'data');
    const { runId, tenant } = await runLeftInFlight(data);
    const stack = await startTestStack({ dataPath: data });
    try {
      expect(stack.recovered).toEqual([{ tenant_id: tenant, run_id: runId, action: 'resumed', requeued: 8 }]);
      await stack.workflow.waitFor(runId);
      const run = await stack.deps.runs.get({ tenant_id: tenant, run_id: runId });
      expect(run?.stored).toBe(8);
      expect(['completed', 'partial']).toContain(run?.status);
      // The captures survived the restart too.
      const client = new SwitchyardClient(stack.apiUrl, await stack.createToken(tenant, 'test'));
      expect((await client.request('GET', '/v1/captures/restart-0')).status).toBe(200);
    } finally {
      await stack.stop();
    }
  }, 120_000);

  it('ends a running run whose queued work was not recorded as failed with a restart reason', async () => {
    const dir = await tempDir();
    const data = path.join(dir, 'data');
    const { runId, tenant } = await runLeftInFlight(data);
    await rm(path.join(data, 'work'), { recursive: true, force: true });
    const stack = await startTestStack({ dataPath: data });
    try {
      expect(stack.recovered.map((r) => [r.run_id, r.action])).toEqual([[runId, 'failed']]);
      const run = await stack.deps.runs.get({ tenant_id: tenant, run_id: runId });
      expect(run?.status).toBe('failed');
      expect(run?.reasons.some((r) => r.startsWith('restart: '))).toBe(true);
      expect(run?.finished_at).not.toBeNull();
    } finally {
      await stack.stop();
    }
  }, 120_000);

  it('restarts the state machine of a run that was aggregating', async () => {
    const data = path.join(await tempDir(), 'data');
    const { runId, tenant } = await runLeftInFlight(data);
    const first = await startTestStack({ dataPath: data, workerConcurrency: 0 });
    try {
      // Still running after the first restart (nothing processed); mark it aggregating as CheckProgress would.
      expect(await first.deps.runs.beginAggregation({ tenant_id: tenant, run_id: runId }, [])).toBe(true);
    } finally {
      await first.stop();
    }
    const stack = await startTestStack({ dataPath: data });
    try {
      expect(stack.recovered).toEqual([{ tenant_id: tenant, run_id: runId, action: 'aggregating' }]);
      await stack.workflow.waitFor(runId);
      const run = await stack.deps.runs.get({ tenant_id: tenant, run_id: runId });
      expect(['completed', 'partial', 'failed']).toContain(run?.status);
    } finally {
      await stack.stop();
    }
  }, 180_000);
});
