// Synthesizes the dev templates once for the whole run; every stack-based test file reads them from disk.
import { mkdtempSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { TestProject } from 'vitest/node';
import { synthTemplates } from '../../local/synth.js';

export default function setup(project: TestProject) {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'switchyard-templates-'));
  const { stateful, stateless } = synthTemplates('dev');
  const file = path.join(dir, 'dev.json');
  writeFileSync(file, JSON.stringify({ stateful, stateless }));
  project.provide('templatesFile', file);
}

declare module 'vitest' {
  export interface ProvidedContext {
    templatesFile: string;
  }
}
