// Starts the real local stack (dynalite, fauxqs, Portkey gateway, simulator, local Step Functions) for a test file.
import { readFileSync } from 'node:fs';
import { inject } from 'vitest';
import { SwitchyardClient } from '../../local/client.js';
import { type LocalStack, type LocalStackOptions, startLocalStack } from '../../local/stack.js';
import { silentLog } from '../../shared/runtime/platform.js';

export async function startTestStack(options: LocalStackOptions = {}): Promise<LocalStack> {
  const templates = JSON.parse(readFileSync(inject('templatesFile'), 'utf8'));
  return startLocalStack({
    templates,
    forceSimulator: true,
    log: silentLog,
    pollMs: 100,
    simulator: { latencyScale: 0.005 },
    ...options,
    // Tests send bursts no real tenant would; the rate limit itself is tested in tokens.test.ts with its own setting.
    settings: { tenantRateLimit: { ratePerSecond: 10_000, burst: 10_000 }, ...options.settings },
  });
}

export async function clientFor(stack: LocalStack, tenant: string): Promise<SwitchyardClient> {
  return new SwitchyardClient(stack.apiUrl, await stack.createToken(tenant, 'test'));
}
