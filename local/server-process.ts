// The long-lived `switchyard start` process: its data folder and lock, a busy port as a one-line error, and the
// watch that stops it when the process that started it (npm, a shell) goes away.
import { execFileSync } from 'node:child_process';
import { mkdir, readFile, rm, writeFile } from 'node:fs/promises';
import net from 'node:net';
import path from 'node:path';

/** Where `npm start` keeps its state unless told otherwise (git-ignored). */
export const DEFAULT_DATA_DIR = path.join('.switchyard', 'data');

/** Rejects with a one-line message when the port cannot be listened on (in use, or not allowed). */
export async function assertPortFree(port: number): Promise<void> {
  if (!Number.isInteger(port) || port < 1 || port > 65535) throw new Error(`--port: a whole number from 1 to 65535, not "${port}"`);
  await new Promise<void>((resolve, reject) => {
    const probe = net.createServer();
    probe.once('error', (error: NodeJS.ErrnoException) => reject(new Error(listenErrorMessage(port, error))));
    probe.listen(port, '127.0.0.1', () => probe.close(() => resolve()));
  });
}

export function listenErrorMessage(port: number, error: NodeJS.ErrnoException): string {
  if (error.code === 'EADDRINUSE') return `port ${port} is already in use (another switchyard start?); stop that process or pass --port N`;
  if (error.code === 'EACCES') return `port ${port} is not allowed for this user; pass --port N (1024 or above)`;
  return `cannot listen on port ${port}: ${error.code ?? error.message}`;
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/**
 * Claims the data folder for this process (DIR/server.pid). A second server on the same folder is refused while the
 * first is alive; a lock left by a killed server is taken over. Returns the release function.
 */
export async function lockDataFolder(dir: string): Promise<() => Promise<void>> {
  await mkdir(dir, { recursive: true });
  const file = path.join(dir, 'server.pid');
  try {
    await writeFile(file, `${process.pid}\n`, { flag: 'wx' });
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
    const holder = Number((await readFile(file, 'utf8').catch(() => '')).trim());
    if (Number.isInteger(holder) && holder > 0 && holder !== process.pid && alive(holder)) {
      throw new Error(`data folder ${dir} is in use by another switchyard start (pid ${holder}); stop it, or pass --data DIR or --memory`);
    }
    await writeFile(file, `${process.pid}\n`);
  }
  return async () => {
    const holder = Number((await readFile(file, 'utf8').catch(() => '')).trim());
    if (holder === process.pid) await rm(file, { force: true });
  };
}

function parentOf(pid: number): number | null {
  try {
    const out = execFileSync('ps', ['-o', 'ppid=', '-p', String(pid)], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] });
    const ppid = Number(out.trim());
    return Number.isInteger(ppid) && ppid > 1 ? ppid : null;
  } catch {
    return null;
  }
}

/**
 * Calls `onGone` once when the process that started this one exits (checked every second): the parent, and under
 * `npm start` also npm itself (npm runs scripts through `sh -c`, which stays alive when npm is killed).
 */
export function watchParent(onGone: () => void): () => void {
  const parent = process.ppid;
  const npm = process.env.npm_lifecycle_event === 'start' ? parentOf(parent) : null;
  const timer = setInterval(() => {
    if (process.ppid !== parent || (npm !== null && !alive(npm))) {
      clearInterval(timer);
      onGone();
    }
  }, 1000);
  timer.unref();
  return () => clearInterval(timer);
}
