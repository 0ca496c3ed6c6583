// Runs the Portkey gateway (@portkey-ai/gateway's start-server.js) so that it dies with its parent, also when the
// parent is killed with SIGKILL: it exits when its stdin (a pipe from the parent) closes, when its parent process
// changes, or when a write to the parent's pipe fails (EPIPE). Without this, an orphaned gateway logs the EPIPE of
// its own logging in its uncaughtException handler, forever, at ~100% of a core.
// Usage: node gateway-watchdog.mjs --port=N --headless  (the arguments are the gateway's own)
import { createRequire } from 'node:module';
import path from 'node:path';
import { pathToFileURL } from 'node:url';

const parent = process.ppid;
const quit = () => process.exit(0);
process.stdin.on('end', quit);
process.stdin.on('close', quit);
process.stdin.on('error', quit);
process.stdin.resume();
process.stdout.on('error', quit);
process.stderr.on('error', quit);
// Registered before the gateway's own handler (which logs, and would fail again on a broken pipe).
process.on('uncaughtException', (error) => {
  if (error && (error.code === 'EPIPE' || error.code === 'ERR_STREAM_DESTROYED')) quit();
});
setInterval(() => {
  if (process.ppid !== parent) quit();
}, 1000).unref();

const require = createRequire(import.meta.url);
const entry = path.join(path.dirname(require.resolve('@portkey-ai/gateway/package.json')), 'build', 'start-server.js');
await import(pathToFileURL(entry).href);
