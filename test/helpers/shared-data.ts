// The labelled public data beside the checkout (../shared/data): tests and benchmarks only, never the product.
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

export const SHARED_DATA = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..', '..', 'shared', 'data');

export const hasSharedData = (sub: string): boolean => existsSync(path.join(SHARED_DATA, sub));

export function readJsonl<T = Record<string, unknown>>(relative: string): T[] {
  return readFileSync(path.join(SHARED_DATA, relative), 'utf8')
    .split('\n')
    .filter((l) => l.trim())
    .map((l) => JSON.parse(l) as T);
}
