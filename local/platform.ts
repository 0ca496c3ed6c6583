// The local side of the wiring: which LLM backend the local stack and the CLI use (real providers when keys are set,
// otherwise the provider simulator behind the self-hosted gateway), and the Platform that points the production
// builders at the emulators. The functions' composition roots (shared/runtime/wiring) are reused as they are.

import { PROVIDER_KEY_VARS, SIMULATED_PROVIDERS } from '../shared/config/models.js';
import { DEFAULT_SETTINGS, type GatewayConfig, gatewayConfigFrom, HOSTED_PORTKEY_URL, type Settings } from '../shared/config/settings.js';
import type { Clock, Log, Metrics } from '../shared/ports/index.js';
import { type Platform, silentLog } from '../shared/runtime/platform.js';
import type { Ports } from '../shared/use-cases/deps.js';
import { LOCAL_CREDENTIALS, LOCAL_REGION } from './emulators.js';
import { type LocalGateway, startGateway } from './gateway.js';
import { ProviderSimulator, type SimulatorOptions } from './simulator/server.js';

export type LlmMode = 'simulated' | 'self-hosted gateway' | 'hosted Portkey';

export type LlmBackend = {
  config: GatewayConfig;
  mode: LlmMode;
  simulator: ProviderSimulator | null;
  gateway: LocalGateway | null;
  stop(): Promise<void>;
};

function realCredentials(source: Readonly<Record<string, string | undefined>>): 'hosted' | 'self-hosted' | null {
  if (source.PORTKEY_API_KEY) return 'hosted';
  if (Object.values(PROVIDER_KEY_VARS).some((name) => source[name])) return 'self-hosted';
  return null;
}

/** Hosted Portkey (PORTKEY_API_KEY), the self-hosted gateway with provider keys, or the simulator behind it. */
export async function startLlmBackend(
  options: { credentials?: Readonly<Record<string, string | undefined>>; forceSimulator?: boolean; simulator?: SimulatorOptions } = {},
): Promise<LlmBackend> {
  const credentials = options.credentials ?? process.env;
  const real = options.forceSimulator ? null : realCredentials(credentials);
  if (real === 'hosted') {
    const config = gatewayConfigFrom(credentials, credentials.PORTKEY_BASE_URL ?? HOSTED_PORTKEY_URL);
    return { config, mode: 'hosted Portkey', simulator: null, gateway: null, stop: async () => {} };
  }
  const gateway = await startGateway();
  if (real === 'self-hosted') {
    return { config: gatewayConfigFrom(credentials, gateway.url), mode: 'self-hosted gateway', simulator: null, gateway, stop: () => gateway.stop() };
  }
  try {
    const simulator = await new ProviderSimulator({ latencyScale: 0.02, ...options.simulator }).start();
    const config: GatewayConfig = {
      baseURL: gateway.url,
      // Each provider at its own path with its own key, so a call routed to the wrong provider fails as it would for real.
      providerKeys: Object.fromEntries(SIMULATED_PROVIDERS.map((p) => [p, simulator.keyFor(p)])),
      customHosts: Object.fromEntries(SIMULATED_PROVIDERS.map((p) => [p, simulator.hostFor(p)])),
      // Portkey keeps these for its logs; the local gateway has none, so it passes them on to the simulator, which records them.
      forwardHeaders: ['x-portkey-provider', 'x-portkey-trace-id', 'x-portkey-metadata', 'x-portkey-config'],
    };
    const stop = async () => {
      await simulator.stop();
      await gateway.stop();
    };
    return { config, mode: 'simulated', simulator, gateway, stop };
  } catch (error) {
    await gateway.stop();
    throw error;
  }
}

/** A platform on the local emulators (or, without endpoints, on the AWS account of the caller's credentials). */
export function localPlatform(input: {
  table: string;
  region?: string;
  dynamodbEndpoint?: string;
  sqsEndpoint?: string;
  queueUrl?: string;
  gateway?: GatewayConfig;
  settings?: Settings;
  log?: Log;
  clock?: Clock;
  /** business metrics sink; none by default (tests pass an EMF writer on a captured stream) */
  metrics?: Metrics;
  overrides?: Partial<Ports>;
}): Platform {
  const local = input.dynamodbEndpoint !== undefined || input.sqsEndpoint !== undefined;
  return {
    region: input.region ?? LOCAL_REGION,
    table: input.table,
    endpoints: { dynamodb: input.dynamodbEndpoint, sqs: input.sqsEndpoint },
    credentials: local ? LOCAL_CREDENTIALS : undefined,
    queueUrl: input.queueUrl,
    gateway: { config: input.gateway ?? { baseURL: HOSTED_PORTKEY_URL } },
    settings: input.settings ?? DEFAULT_SETTINGS,
    log: input.log ?? silentLog,
    clock: input.clock ?? { now: () => Date.now() },
    ...(input.metrics ? { metrics: input.metrics } : {}),
    overrides: input.overrides,
  };
}
