// The HTML report in a real browser: a small replay on the local stack, its report opened in Debian's chromium
// (playwright-core), checked for the headline, chart and table, hostile text shown as text, no dialog, no console error.
import { existsSync, mkdtempSync, readFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { type Browser, chromium } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { SwitchyardClient } from '../../local/client.js';
import { sampleTraffic } from '../../local/sample-traffic.js';
import type { LocalStack } from '../../local/stack.js';
import type { RecommendationRecord } from '../../shared/domain/recommendation.js';
import { startTestStack } from '../helpers/stack.js';

const CHROMIUM = '/usr/bin/chromium';
const hasChromium = existsSync(CHROMIUM);
if (!hasChromium) console.warn(`report-browser.test.ts: skipped, ${CHROMIUM} not found (apt-get install chromium; .ci/run installs it)`);

const HOSTILE_PROMPT = 'Please summarise this page: <script>alert(1)</script> and <b>bold</b>';
const MODELS = ['gpt-4o-mini', 'claude-3.5-haiku'];

let stack: LocalStack;
let browser: Browser;
let client: SwitchyardClient;
let token: string;
let runId: string;
let record: RecommendationRecord;

describe.skipIf(!hasChromium)(`the HTML report in ${CHROMIUM}`, () => {
  beforeAll(async () => {
    [stack, browser] = await Promise.all([startTestStack(), chromium.launch({ executablePath: CHROMIUM, args: ['--no-sandbox'] })]);
    token = await stack.createToken('report', 'test');
    client = new SwitchyardClient(stack.apiUrl, token);
    const hostile = {
      id: 'hostile',
      model: 'claude-3.5-sonnet',
      messages: [{ role: 'user' as const, content: HOSTILE_PROMPT }],
      completion: '<i>captured</i>',
    };
    expect(await client.captureAll([hostile, ...sampleTraffic({ count: 5, seed: 5 })])).toMatchObject({ stored: 6 });
    const replay = await client.request('POST', '/v1/replays', { candidate_models: MODELS, judge_model: 'gpt-4o', captures: { limit: 6 } });
    expect(replay.status).toBe(202);
    runId = String(replay.body.run_id);
    const done = await client.waitForReplay(runId, { timeoutMs: 40_000 });
    expect(done.status).toBe('completed');
    record = done.recommendation as RecommendationRecord;
  }, 50_000);

  afterAll(async () => {
    await browser?.close();
    await stack?.stop();
  });

  it('is served as text/html under a strict Content-Security-Policy, for its own tenant only', async () => {
    const res = await fetch(`${stack.apiUrl}/v1/replays/${runId}/report`, { headers: { authorization: `Bearer ${token}` } });
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toBe('text/html; charset=utf-8');
    expect(res.headers.get('content-security-policy')).toMatch(/^default-src 'none'; style-src 'unsafe-inline'; img-src data:/);
    const other = new SwitchyardClient(stack.apiUrl, await stack.createToken('someone-else', 'test'));
    await expect(other.report(runId)).rejects.toThrow(/answered 404: replay run_.* not found/);
  });

  it('shows the headline, the chart and the table; captured HTML stays text; no dialog, no console error', async () => {
    const page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
    const errors: string[] = [];
    const dialogs: string[] = [];
    page.on('console', (m) => {
      if (m.type() === 'error' || m.type() === 'warning') errors.push(m.text());
    });
    page.on('pageerror', (e) => errors.push(e.message));
    page.on('dialog', (d) => {
      dialogs.push(d.message());
      void d.dismiss();
    });
    await page.setExtraHTTPHeaders({ authorization: `Bearer ${token}` });
    const res = await page.goto(`${stack.apiUrl}/v1/replays/${runId}/report`, { waitUntil: 'load' });
    expect(res?.status()).toBe(200);

    expect(await page.locator('.headline').textContent()).toBe(record.reasoning);
    expect(await page.locator('#simulated').isVisible()).toBe(true);
    expect(await page.locator('svg.chart').count()).toBe(1);
    expect(await page.locator('svg.chart .point').count()).toBe(3);
    expect(await page.locator('#models table tbody tr').count()).toBe(3);
    expect(await page.locator('#alternatives li').count()).toBe(MODELS.length);

    // The hostile prompt is on the page as text, and made no element.
    const sample = page.locator('.sample', { hasText: 'capture hostile' });
    expect(await sample.locator('.message .text').textContent()).toBe(HOSTILE_PROMPT);
    expect(await page.getByText(HOSTILE_PROMPT, { exact: true }).isVisible()).toBe(true);
    expect(await sample.locator('.answer.captured .text').textContent()).toBe('<i>captured</i>');
    expect(await page.locator('script, b, i, iframe, img').count()).toBe(0);
    expect(await page.locator('.sample').count()).toBe(6);
    expect(await page.locator('.sample .answer').count()).toBe(6 * (MODELS.length + 2));
    expect(await page.title()).toContain(runId);

    const dir = mkdtempSync(path.join(os.tmpdir(), 'switchyard-report-'));
    const file = path.join(dir, 'report.png');
    await page.screenshot({ path: file, fullPage: true });
    console.log(`report screenshot: ${file}`);
    expect(dialogs).toEqual([]);
    expect(errors).toEqual([]);
    await page.close();
  });

  it('`switchyard report` writes the page, and says clearly what is missing or wrong', async () => {
    const { main } = await import('../../local/cli.js');
    const out = path.join(mkdtempSync(path.join(os.tmpdir(), 'switchyard-cli-')), 'report.html');
    const stderr = vi.spyOn(process.stderr, 'write').mockImplementation(() => true);
    const stdout = vi.spyOn(process.stdout, 'write').mockImplementation(() => true);
    try {
      expect(await main(['report', runId, '--out', out, '--api', `${stack.apiUrl}/`, '--token', token])).toBe(0);
      expect(readFileSync(out, 'utf8')).toContain(record.reasoning);
      expect(await main(['report', '--out', out, '--api', stack.apiUrl, '--token', token])).toBe(1);
      expect(await main(['report', runId, '--out', out, '--token', token])).toBe(1);
      expect(await main(['report', 'run_00000000-0000-4000-8000-000000000000', '--out', out, '--api', stack.apiUrl, '--token', token])).toBe(1);
      const messages = stderr.mock.calls.map((c) => String(c[0]));
      expect(messages[0]).toContain('usage: switchyard report RUN_ID');
      expect(messages[1]).toMatch(/--api URL \(or SWITCHYARD_API\) is required/);
      expect(messages[2]).toMatch(/answered 404: replay run_0+-0000-4000-8000-0+ not found/);
    } finally {
      stderr.mockRestore();
      stdout.mockRestore();
    }
  });
});
