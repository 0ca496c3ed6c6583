#!/usr/bin/env node
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
// Entry for the `switchyard` command: runs the TypeScript CLI through tsx's loader.
import { register } from 'tsx/esm/api';

// The SDK's notice that releases after early 2027 need Node 22: the lockfile pins a tested version.
process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';
register();
const here = path.dirname(fileURLToPath(import.meta.url));
const [command, ...rest] = process.argv.slice(2);
if (command === 'token') {
  // Token commands load only the token store, not the local stack the rest of the CLI imports.
  const { tokenCommand } = await import(pathToFileURL(path.join(here, '..', 'local', 'tokens-command.ts')).href);
  process.exitCode = await tokenCommand(rest);
} else {
  const { main } = await import(pathToFileURL(path.join(here, '..', 'local', 'cli.ts')).href);
  process.exitCode = await main(process.argv.slice(2));
}
