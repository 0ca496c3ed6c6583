// getReport: the tenant's own finished run only, and a sample of prompts with every model's answer.
import { describe, expect, it } from 'vitest';
import type { StoredCapture } from '../../../shared/domain/capture.js';
import type { ReplayResult } from '../../../shared/domain/result.js';
import type { RunRecord } from '../../../shared/domain/run.js';
import type { GetReportDeps } from '../../../shared/use-cases/get-report.js';
import { getReport } from '../../../shared/use-cases/get-report.js';
import { finishedRun, HOSTILE, RUN_ID, reportData, result } from '../report/fixture.js';

function fakes(run: RunRecord, captures = 12) {
  const data = reportData();
  const ids = Array.from({ length: captures }, (_, i) => `cap-${String(i).padStart(2, '0')}`);
  const pages: string[] = [];
  const deps = {
    runs: {
      get: async (ref: { tenant_id: string; run_id: string }) => (ref.tenant_id === run.tenant_id && ref.run_id === run.run_id ? run : null),
      getMetrics: async () => ({ models: data.metrics, comparisons: {}, segments: {}, judging: { answers: 0, judged: 0, saved_fraction: 0 } }),
      getRecommendation: async () => data.recommendation,
    },
    results: {
      // Pages of 5 with a cursor, as DynamoDB would answer.
      page: async (_run: string, model: string, cursor: string | null, _limit: number) => {
        pages.push(model);
        const start = cursor ? Number(cursor) : 0;
        const items = ids.slice(start, start + 5).map((id) => result(model, id));
        return { items, cursor: start + 5 < ids.length ? String(start + 5) : null };
      },
      get: async (_run: string, model: string, captureId: string): Promise<ReplayResult | null> =>
        model === 'gpt-4o-mini' && captureId === 'cap-03' ? null : result(model, captureId, { answer: `${model} on ${captureId}` }),
    },
    captures: {
      get: async (tenant: string, id: string): Promise<StoredCapture | null> =>
        tenant !== run.tenant_id || id === 'cap-01'
          ? null
          : ({
              id,
              model: 'gpt-4o',
              messages: [{ role: 'user', content: `${HOSTILE.prompt} #${id}` }],
              completion: 'c',
              tags: {},
              conversation_id: null,
              usage: null,
              latency_ms: null,
              captured_at: '2026-01-01T00:00:00Z',
            } as unknown as StoredCapture),
    },
  } as unknown as GetReportDeps;
  return { deps, pages };
}

describe('getReport', () => {
  it("answers 404 for a malformed id, an unknown run and another tenant's run", async () => {
    const { deps } = fakes(finishedRun());
    for (const [tenant, id] of [
      ['acme', 'run_nope'],
      ['acme', 'run_00000000-0000-4000-8000-00000000dead'],
      ['other', RUN_ID],
    ] as const) {
      const out = await getReport(deps, tenant, id);
      expect(out).toMatchObject({ ok: false, problem: { status: 404, error: 'not_found' } });
    }
  });

  it('answers 409 while the run is still running or aggregating', async () => {
    for (const status of ['running', 'aggregating'] as const) {
      const out = await getReport(fakes(finishedRun({ status })).deps, 'acme', RUN_ID);
      expect(out).toMatchObject({ ok: false, problem: { status: 409, error: 'not_finished', message: expect.stringContaining(`still ${status}`) } });
    }
  });

  it("renders the first ten baseline results with every other model's answer and the capture's prompt, escaped", async () => {
    const { deps, pages } = fakes(finishedRun());
    const out = await getReport(deps, 'acme', RUN_ID);
    if (!out.ok) throw new Error(out.problem.message);
    expect(pages).toEqual(['gpt-4o', 'gpt-4o']);
    expect(out.html.match(/<article class="sample">/g)).toHaveLength(10);
    expect(out.html).toContain('Prompt 10 <span class="muted">capture cap-09');
    expect(out.html).not.toContain('capture cap-10');
    expect(out.html).toContain('gpt-4o-mini on cap-00');
    expect(out.html).toContain(`${HOSTILE.model.replace('<', '&lt;').replace('>', '&gt;')} on cap-09`);
    expect(out.html).toContain('Summarise &lt;script&gt;alert(1)&lt;/script&gt; and &lt;b&gt;bold&lt;/b&gt; #cap-00');
    // A missing result and an expired capture are said, not hidden.
    expect(out.html).toContain('no result stored');
    expect(out.html).toContain('The capture is no longer stored');
    expect(out.html).not.toMatch(/<script/i);
  });
});
