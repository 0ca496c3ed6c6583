// `npm run demo`: the whole pipeline on the local stack, end to end, and a recommendation at the end.
import { mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { DEFAULT_SETTINGS } from '../shared/config/settings.js';
import type { ModelMetrics } from '../shared/domain/metrics.js';
import type { RecommendationRecord } from '../shared/domain/recommendation.js';
import { SwitchyardClient } from './client.js';
import { describeReplayProgress, progress } from './progress.js';
import { renderTable } from './report.js';
import { sampleTraffic } from './sample-traffic.js';
import { SEED_MODELS } from './simulator/profiles.js';
import { startLocalStack } from './stack.js';

export type DemoOptions = {
  out: string;
  captures: number;
  seed: number;
  print?: (line: string) => void;
  /** the replay's judge_cascade: a cheap judge first, null for the strong judge only, undefined for the default */
  judgeCascade?: { cheap_model: string; margin?: number; escalate_pairwise?: boolean } | null;
};

export async function runDemo(options: DemoOptions): Promise<{ record: RecommendationRecord; runId: string }> {
  const print = options.print ?? ((line: string) => console.log(line));
  const started = Date.now();
  const stack = await startLocalStack();
  try {
    print(
      `Local stack up (${stack.mode}${stack.mode === 'simulated' ? ': every answer, judge score and price below comes from the provider simulator' : ''}).`,
    );
    const token = await stack.createToken('demo', 'demo');
    const client = new SwitchyardClient(stack.apiUrl, token);
    const traffic = sampleTraffic({ count: options.captures, seed: options.seed });
    const captured = await client.captureAll(traffic);
    print(`Captured ${captured.stored} prompts over HTTP (${captured.duplicates} duplicates, ${captured.rejected} rejected).`);
    const baseline = traffic[0]?.model ?? 'claude-3.5-sonnet';
    const replay = await client.request('POST', '/v1/replays', {
      candidate_models: SEED_MODELS.filter((m) => m !== baseline),
      judge_model: 'gpt-4o',
      ...(options.judgeCascade === undefined ? {} : { judge_cascade: options.judgeCascade }),
      captures: { limit: options.captures },
    });
    if (replay.status !== 202) throw new Error(`replay not accepted: ${replay.status} ${JSON.stringify(replay.body)}`);
    const runId = String(replay.body.run_id);
    // The local stack runs with the default settings: without a flag, the deployment's default cascade.
    const cascade = options.judgeCascade === undefined ? DEFAULT_SETTINGS.judgeCascade : options.judgeCascade;
    print(
      `Replay ${runId}: ${replay.body.captures} captures × ${(replay.body.models as string[]).length} models = ${replay.body.expected} calls through the Portkey gateway; judge ${cascade ? `${cascade.cheap_model} first, then gpt-4o (judge cascade)` : 'gpt-4o'}.`,
    );
    const bar = progress();
    const result = await client.waitForReplay(runId, {
      // CPU-bound: a busy machine takes much longer, so wait as long as the run moves (a stuck run still ends it; one look
      // of the judge can take minutes under load, and progress moves once per look).
      timeoutMs: Number.POSITIVE_INFINITY,
      idleTimeoutMs: 900_000,
      onStatus: (body) => bar.update(describeReplayProgress(body)),
    });
    bar.done();
    const record = result.recommendation as RecommendationRecord | null;
    const metrics = (result.metrics ?? []) as ModelMetrics[];
    if (result.status === 'failed' || !record) throw new Error(`replay ended ${String(result.status)}: ${JSON.stringify(result.reasons)}`);
    print('');
    print(renderTable(metrics, record) + (record.simulated ? '\n(simulated: provider simulator behind the real gateway; prices from genai-prices)' : ''));
    print('');
    if (record.judging)
      print(
        `Judge calls: ${record.judging.judged} for ${record.judging.answers} answers (sequential judging stopped early for settled candidates; ${(record.judging.saved_fraction * 100).toFixed(0)}% of rubric calls saved).`,
      );
    const c = record.judge_cascade;
    if (c)
      print(
        `Judge cascade: ${c.cheap_model} first, ${c.strong_model} ${c.margin > 0 ? `where close (margin ${c.margin})` : 'only where a reply could not be parsed'} — rubric ${c.rubric_cheap} answers cheap alone, ${c.rubric_escalated} escalated; pairwise ${c.pairwise_cheap} pairs cheap alone, ${c.pairwise_escalated} escalated${c.escalate_pairwise === false ? ' (ties and split orders stand)' : ''}.`,
      );
    if (record.projected_monthly?.saving_usd != null)
      print(`Projected monthly saving at the captured volume: $${record.projected_monthly.saving_usd.toFixed(2)} (${record.projected_monthly.basis}).`);
    const spent = record.evaluation_spend;
    if (spent)
      print(
        `Evaluation spend: replays $${spent.replay_usd.toFixed(4)}, judge $${spent.judge_usd.toFixed(4)} (${spent.replay_usd > 0 ? (spent.judge_usd / spent.replay_usd).toFixed(2) : '—'}× the replays); ${spent.payback_days === null ? 'no saving to pay it back' : `paid back in ${spent.payback_days} days of the projected saving`}.`,
      );
    if (record.upgrade) print(`Upgrade option: ${record.upgrade.reasoning}.`);
    print(`Status: ${String(result.status)}${(result.reasons as string[]).length ? ` (${(result.reasons as string[]).join('; ')})` : ''}`);
    print(`Recommendation${record.simulated ? ' (simulated)' : ''}: ${record.reasoning}`);
    await mkdir(options.out, { recursive: true });
    const file = path.join(options.out, 'recommendation.json');
    await writeFile(file, `${JSON.stringify({ run_id: runId, status: result.status, ...record }, null, 2)}\n`);
    const reportFile = path.join(options.out, 'report.html');
    await writeFile(reportFile, await client.report(runId));
    print(`Wrote ${file} and ${reportFile} (open it in a browser) in ${((Date.now() - started) / 1000).toFixed(1)} s.`);
    return { record, runId };
  } finally {
    await stack.stop();
  }
}
