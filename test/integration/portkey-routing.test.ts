// Routing through the real local Portkey gateway: each seed model reaches its own provider with its own key, and every
// call carries the run as trace id and Switchyard's metadata (the simulator records what the gateway passed on).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { SwitchyardClient } from '../../local/client.js';
import type { ReceivedRequest } from '../../local/simulator/server.js';
import type { LocalStack } from '../../local/stack.js';
import { PortkeyGateway } from '../../shared/adapters/portkey-gateway.js';
import { resolveModel, SEED_MODELS } from '../../shared/config/models.js';
import { clientFor, startTestStack } from '../helpers/stack.js';

let stack: LocalStack;
let client: SwitchyardClient;

beforeAll(async () => {
  stack = await startTestStack();
  client = await clientFor(stack, 'routing');
  await client.captureAll([{ id: 'r-1', model: 'gpt-4o-mini', messages: [{ role: 'user', content: 'Define backpressure.' }], completion: 'x' }]);
}, 60_000);

afterAll(async () => {
  await stack?.stop();
});

const receivedFor = (runId: string): ReceivedRequest[] => stack.simulator!.stats.received.filter((r) => r.traceId === runId);

describe('routing to Portkey', () => {
  it("sends each of the seed's seven models to its own provider with its own key, with trace id and metadata on every call", async () => {
    const answer = await client.request('POST', '/v1/analyze', { prompt: 'Name one use of a message queue.', user_id: 'u-route' });
    expect(answer.status).toBe(200);
    const runId = answer.body.run_id as string;
    const captureId = answer.body.capture_id as string;
    const received = receivedFor(runId);

    for (const id of SEED_MODELS) {
      const spec = resolveModel(id)!;
      const replays = received.filter((r) => r.model === spec.apiModel && r.metadata?.purpose === 'replay');
      expect(replays.length, id).toBeGreaterThan(0);
      for (const r of replays) {
        expect(r, id).toMatchObject({ provider: spec.provider, portkeyProvider: spec.provider, key: stack.simulator!.keyFor(spec.provider), status: 200 });
        expect(r.metadata).toEqual({ _user: 'switchyard', run: runId, capture: captureId, purpose: 'replay' });
      }
    }
    expect(resolveModel('command-r')!.provider).toBe('cohere');
    // The judge's calls are told apart by their purpose, under the same trace id.
    expect(received.some((r) => r.metadata?.purpose === 'judge')).toBe(true);
    expect(received.every((r) => r.status === 200)).toBe(true);
  }, 90_000);

  it('passes saved guardrail ids through to Portkey', async () => {
    const answer = await client.request('POST', '/v1/analyze', {
      prompt: 'What is a dead-letter queue?',
      user_id: 'u-guard',
      models: ['gpt-4o-mini', 'command-r'],
      guardrails: { input_guardrails: ['pg-acme-pii-123'] },
    });
    expect(answer.status).toBe(200);
    const replays = receivedFor(answer.body.run_id as string).filter((r) => r.metadata?.purpose === 'replay');
    expect(replays.map((r) => r.provider).sort()).toEqual(['cohere', 'openai']);
    for (const r of replays) expect(JSON.parse(r.config ?? '{}')).toEqual({ input_guardrails: ['pg-acme-pii-123'] });
  }, 90_000);

  it.each([
    [{ guardrails: { input_guardrails: ['pg-acme-pii-123'] }, portkey_config: 'pc-acme-routing-1' }, 'portkey_config'],
    [{ guardrails: { input_guardrails: ['pg-acme-pii-123', { 'default.regexMatch': { rule: 'x' }, deny: true }] } }, 'guardrails.input_guardrails'],
    [{ guardrails: { output_guardrails: ['acme-pii'] } }, 'guardrails.output_guardrails'],
    [{ portkey_config: '{"retry":{"attempts":3}}' }, 'portkey_config'],
  ])('rejects %j with a 400 naming %s', async (extra, field) => {
    const answer = await client.request('POST', '/v1/replays', { candidate_models: ['gpt-3.5-turbo'], dry_run: true, ...extra });
    expect(answer.status).toBe(400);
    expect(String(answer.body.field)).toContain(field);
  });

  it.each([[{ guardrails: { input_guardrails: ['pg-acme-pii-123'], output_guardrails: ['pg-acme-tox-9'] } }], [{ portkey_config: 'pc-acme-routing-1' }]])(
    'accepts %j',
    async (extra) => {
      const answer = await client.request('POST', '/v1/replays', { candidate_models: ['gpt-3.5-turbo'], dry_run: true, ...extra });
      expect(answer.status).toBe(200);
    },
  );

  it('sends a saved config id as the Portkey config (the self-hosted gateway cannot resolve it and answers 400)', async () => {
    const spec = resolveModel('command-r')!;
    const sim = stack.simulator!;
    const base = { baseURL: stack.gateway!.url, providerKeys: { cohere: sim.keyFor('cohere') }, customHosts: { cohere: sim.hostFor('cohere') } };
    const request = {
      model: spec,
      messages: [{ role: 'user' as const, content: 'hello' }],
      maxTokens: 16,
      timeoutMs: 10_000,
      trace: { runId: 'run-config', captureId: 'c-1', purpose: 'replay' as const },
    };
    const plain = await new PortkeyGateway(base).complete(request);
    expect(plain.ok).toBe(true);
    const configured = await new PortkeyGateway(base).complete({ ...request, portkeyConfig: 'pc-acme-routing-1' });
    expect(configured).toMatchObject({ ok: false, kind: 'bad_request', status: 400 });
  }, 30_000);
});
