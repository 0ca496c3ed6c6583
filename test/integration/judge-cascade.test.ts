// The judge cascade on pairs whose truth is known: answers written by the simulator, labelled by the true quality it
// gave them. Under the simulator's judge model (a judge's noise grows with its own error rate, so gpt-4o-mini is a
// noisier judge than gpt-4o), the cascade should agree with the truth about as often as the strong judge alone,
// more often than the cheap judge alone, and ask the strong judge for only part of the pairs. This checks the
// cascade's mechanics against a modelled judge; it says nothing about real judges (that needs provider keys and the
// labelled sets in ../shared/data, through `switchyard judge-eval --cascade`).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type LocalGateway, startGateway } from '../../local/gateway.js';
import { ProviderSimulator } from '../../local/simulator/server.js';
import { PortkeyGateway } from '../../shared/adapters/portkey-gateway.js';
import { resolveModel } from '../../shared/config/models.js';
import { evaluateJudge, type LabelledPair } from '../../shared/use-cases/judge-eval.js';

let sim: ProviderSimulator;
let gw: LocalGateway;
let llm: PortkeyGateway;

beforeAll(async () => {
  sim = await new ProviderSimulator({ latencyScale: 0 }).start();
  gw = await startGateway();
  llm = new PortkeyGateway({ baseURL: gw.url, providerKeys: { openai: 'simulated' }, customHosts: { openai: sim.url } });
});

afterAll(async () => {
  await gw?.stop();
  await sim?.stop();
});

async function answer(model: string, prompt: string): Promise<string | null> {
  const outcome = await llm.complete({
    model: resolveModel(model)!,
    messages: [{ role: 'user', content: prompt }],
    maxTokens: 300,
    temperature: 0,
    trace: { runId: 't', captureId: 'c', purpose: 'replay' },
    timeoutMs: 10_000,
  });
  return outcome.ok && outcome.text ? outcome.text : null;
}

describe('judge cascade on pairs with known truth (simulator)', () => {
  it('agrees with the truth about as often as the strong judge, for part of the strong calls', async () => {
    const pairs: LabelledPair[] = [];
    const prompts = Array.from({ length: 160 }, (_, i) => `Explain how a hash map handles collisions, in plain words (question ${i}).`);
    const written = await Promise.all(prompts.map((p) => Promise.all([answer('gpt-4o-mini', p), answer('gpt-3.5-turbo', p)])));
    for (let i = 0; pairs.length < 120 && i < prompts.length; i++) {
      const prompt = prompts[i]!;
      const [a, b] = written[i]!;
      const qa = a === null ? undefined : sim.trueQuality(a, prompt);
      const qb = b === null ? undefined : sim.trueQuality(b, prompt);
      if (a === null || b === null || qa === undefined || qb === undefined || qa === qb) continue;
      // Alternate which side the better answer is on, so a position bias cannot score.
      pairs.push(
        i % 2 === 0
          ? { id: String(i), conversation: [{ role: 'user', content: prompt }], a, b, label: qa > qb ? 'A' : 'B' }
          : { id: String(i), conversation: [{ role: 'user', content: prompt }], a: b, b: a, label: qa > qb ? 'B' : 'A' },
      );
    }
    expect(pairs.length).toBe(120);
    const strong = resolveModel('gpt-4o')!;
    const cheap = resolveModel('gpt-4o-mini')!;
    const strongOnly = await evaluateJudge(llm, strong, pairs);
    const cheapOnly = await evaluateJudge(llm, cheap, pairs);
    const callsBefore = { ...sim.stats.calls };
    const cascade = await evaluateJudge(llm, strong, pairs, 8, undefined, cheap);
    const strongCalls = (sim.stats.calls['gpt-4o'] ?? 0) - (callsBefore['gpt-4o'] ?? 0);
    const cheapCalls = (sim.stats.calls['gpt-4o-mini'] ?? 0) - (callsBefore['gpt-4o-mini'] ?? 0);
    console.log(
      JSON.stringify({
        strong_only: strongOnly.agreement,
        cheap_only: cheapOnly.agreement,
        cascade: cascade.agreement,
        ...cascade.cascade,
        strong_calls: strongCalls,
        cheap_calls: cheapCalls,
      }),
    );

    expect(cascade.cascade?.escalated).toBeGreaterThan(0);
    expect(cascade.cascade?.escalated).toBeLessThan(pairs.length);
    // The strong judge is asked both orders only for escalated pairs; the cheap judge once per order for every pair.
    expect(cheapCalls).toBe(2 * pairs.length);
    expect(strongCalls).toBe(2 * (cascade.cascade?.escalated ?? 0));
    expect(cascade.agreement).toBeGreaterThanOrEqual(cheapOnly.agreement);
    expect(cascade.agreement).toBeGreaterThanOrEqual(strongOnly.agreement - 0.05);
  }, 300_000);
});
