// Every deployed entry point, as its exported `handler` (the production composition root, built from the environment
// the stateless stack sets), against the local emulators: dynalite, fauxqs, the Portkey gateway and the simulator.
// Secrets Manager and Step Functions have no local emulator; a loopback endpoint speaks their JSON protocol for the
// two calls the functions make (GetSecretValue, StartExecution). The SDK finds every endpoint through its standard
// AWS_ENDPOINT_URL_<SERVICE> variables, so the wiring under test is exactly the deployed one.
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { ReceiveMessageCommand, SQSClient } from '@aws-sdk/client-sqs';
import type { SQSEvent } from 'aws-lambda';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { LOCAL_CREDENTIALS, LOCAL_REGION } from '../../local/emulators.js';
import { LOCAL_TABLE, type LocalStack } from '../../local/stack.js';
import { SIMULATED_PROVIDERS } from '../../shared/config/models.js';
import { PROVIDER_KEY_VARS } from '../../shared/config/settings.js';
import { startTestStack } from '../helpers/stack.js';

let stack: LocalStack;
let aws: Server;
const started: unknown[] = [];
const savedEnv = { ...process.env };
const TENANT = 'wired';
const STATE_MACHINE_ARN = 'arn:aws:states:us-east-1:000000000000:stateMachine:aggregate';
const SECRET_ARN = 'arn:aws:secretsmanager:us-east-1:000000000000:secret:provider-keys';

/** Loads a function's handler module afresh, so its composition root reads the environment set here. */
async function handlerOf<T>(entry: string): Promise<T> {
  vi.resetModules();
  const mod = (await import(/* @vite-ignore */ new URL(`../../functions/${entry}`, import.meta.url).href)) as { handler: T };
  return mod.handler;
}

const httpEvent = (method: string, path: string, body?: unknown, pathParameters?: Record<string, string>) =>
  ({
    version: '2.0',
    routeKey: `${method} ${path}`,
    rawPath: path,
    headers: { 'content-type': 'application/json' },
    body: body === undefined ? undefined : JSON.stringify(body),
    isBase64Encoded: false,
    pathParameters,
    requestContext: { authorizer: { lambda: { tenantId: TENANT } }, http: { method } },
  }) as never;

beforeAll(async () => {
  stack = await startTestStack({ workerConcurrency: 0 });
  const simulatorUrl = stack.simulator!.url;
  const secret = {
    ...Object.fromEntries(SIMULATED_PROVIDERS.map((p) => [PROVIDER_KEY_VARS[p], 'simulated-key'])),
    SWITCHYARD_CUSTOM_HOSTS: JSON.stringify(Object.fromEntries(SIMULATED_PROVIDERS.map((p) => [p, simulatorUrl]))),
  };
  aws = createServer((req, res) => {
    let body = '';
    req.on('data', (c) => {
      body += c;
    });
    req.on('end', () => {
      const target = String(req.headers['x-amz-target'] ?? '');
      res.setHeader('content-type', 'application/x-amz-json-1.1');
      if (target === 'secretsmanager.GetSecretValue' && JSON.parse(body).SecretId === SECRET_ARN) {
        res.end(JSON.stringify({ ARN: SECRET_ARN, Name: 'provider-keys', SecretString: JSON.stringify(secret) }));
      } else if (target === 'AWSStepFunctions.StartExecution') {
        started.push(JSON.parse(body));
        res.end(JSON.stringify({ executionArn: `${STATE_MACHINE_ARN}:x`, startDate: Date.now() / 1000 }));
      } else {
        res.statusCode = 400;
        res.end(JSON.stringify({ __type: 'UnknownOperationException', message: target }));
      }
    });
  });
  await new Promise<void>((resolve) => aws.listen(0, '127.0.0.1', resolve));
  const awsUrl = `http://127.0.0.1:${(aws.address() as AddressInfo).port}`;
  Object.assign(process.env, {
    AWS_REGION: LOCAL_REGION,
    AWS_ACCESS_KEY_ID: LOCAL_CREDENTIALS.accessKeyId,
    AWS_SECRET_ACCESS_KEY: LOCAL_CREDENTIALS.secretAccessKey,
    AWS_ENDPOINT_URL_DYNAMODB: stack.dynamo.endpoint,
    AWS_ENDPOINT_URL_SQS: stack.queues.endpoint,
    AWS_ENDPOINT_URL_SFN: awsUrl,
    AWS_ENDPOINT_URL_SECRETS_MANAGER: awsUrl,
    TABLE_NAME: LOCAL_TABLE,
    // fauxqs's queue URLs use a host that does not resolve: the SDK warns that it cannot take the endpoint from
    // them and uses AWS_ENDPOINT_URL_SQS (on AWS, queue URLs are real hosts).
    QUEUE_URL: stack.queues.queueUrl,
    STATE_MACHINE_ARN,
    PROVIDER_SECRET_ARN: SECRET_ARN,
    GATEWAY_BASE_URL: stack.gateway!.url,
    SETTINGS_JSON: JSON.stringify({ callTimeoutMs: 20_000, pairwiseJudging: false, providerLimits: { openai: { maxConcurrency: 4 } } }),
    POWERTOOLS_LOG_LEVEL: 'SILENT',
  });
}, 60_000);

afterAll(async () => {
  process.env = savedEnv;
  await new Promise((resolve) => aws?.close(resolve));
  await stack?.stop();
});

async function receiveWork(): Promise<SQSEvent> {
  const sqs = new SQSClient({ region: LOCAL_REGION, endpoint: stack.queues.endpoint, credentials: LOCAL_CREDENTIALS });
  const out = await sqs.send(
    new ReceiveMessageCommand({ QueueUrl: stack.queues.queueUrl, MaxNumberOfMessages: 10, WaitTimeSeconds: 1, AttributeNames: ['All'] }),
  );
  return {
    Records: (out.Messages ?? []).map((m) => ({
      messageId: m.MessageId!,
      receiptHandle: m.ReceiptHandle!,
      body: m.Body!,
      attributes: { ApproximateReceiveCount: m.Attributes?.ApproximateReceiveCount ?? '1' },
      messageAttributes: {},
      md5OfBody: '',
      eventSource: 'aws:sqs',
      eventSourceARN: 'arn:aws:sqs:us-east-1:000000000000:work',
      awsRegion: LOCAL_REGION,
    })),
  } as unknown as SQSEvent;
}

type Http = (e: unknown) => Promise<{ statusCode: number; body: string }>;
type Step = (input: unknown) => Promise<Record<string, unknown>>;

describe('each function, wired as deployed', () => {
  it('runs a replay through every entry point: authorizer, capture, replay-start, worker, aggregate states, results, dead-letter, schedule', async () => {
    // Authorizer: a token created in the table resolves to its tenant.
    const token = await stack.createToken(TENANT);
    const authorizer = await handlerOf<(e: unknown) => Promise<{ context: { tenantId: string } }>>('authorizer/handler.ts');
    expect((await authorizer({ headers: { authorization: `Bearer ${token}` } })).context.tenantId).toBe(TENANT);

    // Capture: stored in DynamoDB.
    const capture = await handlerOf<Http>('capture/handler.ts');
    const captured = await capture(
      httpEvent('POST', '/v1/captures', {
        id: 'wired-1',
        model: 'gpt-4o-mini',
        messages: [{ role: 'user', content: 'Summarise the benefits of idempotent writes.' }],
        completion: 'They make retries safe.',
      }),
    );
    expect(captured.statusCode).toBe(201);
    expect((await stack.deps.captures.get(TENANT, 'wired-1'))?.completion).toBe('They make retries safe.');

    // Replay-start: a run, its work on SQS, and the state machine started (Step Functions' API).
    const replayStart = await handlerOf<Http>('replay-start/handler.ts');
    const accepted = await replayStart(httpEvent('POST', '/v1/replays', { candidate_models: ['gpt-3.5-turbo'], judge_model: 'gpt-4o' }));
    expect(accepted.statusCode).toBe(202);
    const runId = JSON.parse(accepted.body).run_id as string;
    expect(started).toHaveLength(1);
    const ref = { tenant_id: TENANT, run_id: runId };

    // Worker: each work item answered through the gateway with keys from the provider secret.
    const worker = await handlerOf<(e: SQSEvent) => Promise<{ batchItemFailures: unknown[] }>>('replay-worker/handler.ts');
    const work = await receiveWork();
    expect(work.Records).toHaveLength(2);
    expect((await worker(work)).batchItemFailures).toEqual([]);
    for (const model of ['gpt-4o-mini', 'gpt-3.5-turbo']) expect((await stack.deps.results.get(runId, model, 'wired-1'))?.status).toMatch(/^(ok|refused)$/);

    // Dead-letter: a redelivered item whose result is stored changes nothing.
    const deadLetter = await handlerOf<(e: SQSEvent) => Promise<{ batchItemFailures: unknown[] }>>('dead-letter/handler.ts');
    expect((await deadLetter(work)).batchItemFailures).toEqual([]);

    // The aggregate states, each from its own bundle entry.
    const checkProgress = await handlerOf<Step>('aggregate/check-progress.ts');
    expect(await checkProgress(ref)).toMatchObject({ done: true, stored: 2, expected: 2 });
    const scoreQuality = await handlerOf<Step>('aggregate/score-quality.ts');
    expect(await scoreQuality({ ...ref })).toMatchObject({ finished: true, judged: 2 });
    const computeMetrics = await handlerOf<Step>('aggregate/compute-metrics.ts');
    expect(await computeMetrics(ref)).toEqual({ models: 2, results: 2 });
    const recommend = await handlerOf<Step>('aggregate/recommend.ts');
    expect((await recommend({ ...ref, confirm: null })).status).toBe('completed');

    // Results API: the record, read back through its schema.
    const results = await handlerOf<Http>('results-api/handler.ts');
    const got = await results(httpEvent('GET', `/v1/replays/${runId}`, undefined, { id: runId }));
    expect(got.statusCode).toBe(200);
    const body = JSON.parse(got.body);
    expect(body.status).toBe('completed');
    expect(body.recommendation.baseline_model).toBe('gpt-4o-mini');
    expect(body.recommendation.alternatives.map((a: { model: string }) => a.model)).toEqual(['gpt-3.5-turbo']);

    // MarkFailed: the catch-all ends a run.
    const markFailed = await handlerOf<Step>('aggregate/mark-failed.ts');
    expect(await markFailed({ ...ref, error: { Error: 'States.Timeout' } })).toEqual({ status: 'failed' });
    expect((await stack.deps.runs.get(ref))?.status).toBe('failed');

    // The schedule's function starts a run from the rule's input.
    const scheduled = await handlerOf<(e: unknown) => Promise<{ run_id?: string }>>('scheduled-replay/handler.ts');
    const fromSchedule = await scheduled({ tenant_id: TENANT, replay: { candidate_models: ['claude-3.5-haiku'] } });
    expect(fromSchedule.run_id).toMatch(/^run_/);
    expect(started).toHaveLength(2);
  }, 120_000);
});
