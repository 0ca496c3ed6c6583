// Builder for the gateway adapter: keys come from the platform's configuration (local) or from Secrets Manager (AWS),
// read once per cold start. Only functions that call a model load portkey-ai and the Secrets Manager client, and they
// load them when the wiring is built (first invocation), not at import: both stay out of the cold import.

import { instrumentLlm } from '../../adapters/instrumented-llm.js';
import type { PortkeyGateway } from '../../adapters/portkey-gateway.js';
import { gatewayConfigFrom } from '../../config/settings.js';
import * as z from '../../schemas/zod.js';
import type { Ports } from '../../use-cases/deps.js';
import { ConfigurationError, type Platform } from '../platform.js';
import { type Builder, once } from '../wiring.js';

async function loadSecrets(arn: string | undefined, region: string): Promise<Record<string, string>> {
  if (!arn) return {};
  const { GetSecretValueCommand, SecretsManagerClient } = await import('@aws-sdk/client-secrets-manager');
  const out = await new SecretsManagerClient({ region }).send(new GetSecretValueCommand({ SecretId: arn }));
  const parsed = z.record(z.string(), z.string()).safeParse(JSON.parse(out.SecretString ?? '{}'));
  if (!parsed.success) throw new ConfigurationError('provider secret must be a JSON object of strings');
  return parsed.data;
}

async function gateway(p: Platform): Promise<PortkeyGateway> {
  const { PortkeyGateway } = await import('../../adapters/portkey-gateway.js');
  if ('config' in p.gateway) return new PortkeyGateway(p.gateway.config);
  return new PortkeyGateway(gatewayConfigFrom(await loadSecrets(p.gateway.secretArn, p.region), p.gateway.baseURL));
}

/** The gateway, emitting call counts and spend when the platform has a metrics sink. */
async function meteredGateway(p: Platform): Promise<Ports['llm']> {
  const llm = await gateway(p);
  return p.metrics ? instrumentLlm(llm, p.metrics, p.settings.priceOverrides) : llm;
}

export const llmGateway: Builder<Ports['llm']> = (p) => once(p, 'llm', () => meteredGateway(p));
