// One item per (run, capture, model). Claims and completions are conditional writes, so a redelivered or
// concurrent message never stores twice and never calls the provider again for a stored result.
import {
  BatchGetCommand,
  type BatchGetCommandOutput,
  type DynamoDBDocumentClient,
  GetCommand,
  PutCommand,
  QueryCommand,
  UpdateCommand,
} from '@aws-sdk/lib-dynamodb';
import { decodeText, encodeText } from '../../domain/capture.js';
import { countsOf, type ReplayResult } from '../../domain/result.js';
import { addCounts, noCounts, type RunCounts } from '../../domain/run.js';
import type { ClaimOutcome, ResultStore } from '../../ports/index.js';
import type { WorkItem } from '../../schemas/messages.js';
import { ResultItemSchema, TallyItemSchema } from '../../schemas/stored.js';
import { CorruptItemError, isConditionFailure } from './client.js';
import { GSI_BY_OWNER, keys } from './keys.js';

/** A cursor this store returned for this partition; anything else is a RangeError (the port's contract). */
function startKey(cursor: string, pk: string): Record<string, unknown> {
  let parsed: unknown;
  try {
    parsed = JSON.parse(cursor);
  } catch {
    throw new RangeError('invalid cursor');
  }
  const key = parsed as { pk?: unknown; sk?: unknown };
  if (
    typeof parsed !== 'object' ||
    parsed === null ||
    key.pk !== pk ||
    typeof key.sk !== 'string' ||
    !key.sk.startsWith('CAP#') ||
    Object.keys(parsed).length !== 2
  ) {
    throw new RangeError('invalid cursor');
  }
  return { pk: key.pk, sk: key.sk };
}

function toResult(raw: Record<string, unknown>): ReplayResult {
  const parsed = ResultItemSchema.safeParse(raw);
  if (!parsed.success) throw new CorruptItemError('result', parsed.error);
  const { answer_gz, ...rest } = parsed.data;
  return { ...rest, answer: decodeText(answer_gz) };
}

export class DynamoResultStore implements ResultStore {
  constructor(
    private readonly db: DynamoDBDocumentClient,
    private readonly table: string,
    private readonly retentionDays: number,
  ) {}

  private key(item: WorkItem) {
    return keys.result(item.run_id, item.model, item.capture_id);
  }

  /** gsi2 keys of a final result: every result of a capture, across runs and models (user history, side by side). */
  private byCaptureKeys(item: WorkItem) {
    return { gsi2pk: keys.captureResultsPartition(item.tenant_id, item.capture_id), gsi2sk: `${item.run_id}#${item.model}` };
  }

  /**
   * Stored results of one capture across runs and models, at most `limit` (keys from gsi2, items by BatchGet), sorted
   * by when they were stored, newest first. A BatchGet key still unprocessed after five tries is an error, not a gap.
   */
  async forCapture(tenantId: string, captureId: string, limit: number): Promise<ReplayResult[]> {
    const out = await this.db.send(
      new QueryCommand({
        TableName: this.table,
        IndexName: GSI_BY_OWNER,
        KeyConditionExpression: 'gsi2pk = :pk',
        ExpressionAttributeValues: { ':pk': keys.captureResultsPartition(tenantId, captureId) },
        ScanIndexForward: false,
        Limit: limit,
      }),
    );
    const wanted = (out.Items ?? []).map((i) => ({ pk: String(i.pk), sk: String(i.sk) }));
    const results: ReplayResult[] = [];
    for (let i = 0; i < wanted.length; i += 100) {
      let request: Record<string, { Keys: Record<string, unknown>[] }> | undefined = { [this.table]: { Keys: wanted.slice(i, i + 100) } };
      for (let attempt = 0; request && Object.keys(request).length > 0 && attempt < 5; attempt++) {
        const got: BatchGetCommandOutput = await this.db.send(new BatchGetCommand({ RequestItems: request }));
        for (const raw of got.Responses?.[this.table] ?? []) if (raw.status !== 'pending') results.push(toResult(raw));
        request = got.UnprocessedKeys as typeof request;
      }
      if (request && Object.keys(request).length > 0) throw new Error('results of a capture could not all be read (DynamoDB left keys unprocessed)');
    }
    return results.sort((a, b) => (a.stored_at === b.stored_at ? a.model.localeCompare(b.model) : a.stored_at < b.stored_at ? 1 : -1));
  }

  async claim(item: WorkItem, claimId: string, leaseMs: number, now: number, callStarting = false): Promise<ClaimOutcome> {
    try {
      const out = await this.db.send(
        new UpdateCommand({
          TableName: this.table,
          Key: this.key(item),
          // With callStarting, the call-started mark rides on the claim: one conditional write instead of two.
          UpdateExpression: `SET #status = :pending, claim_id = :claim, lease_until = :lease, expires_at = if_not_exists(expires_at, :exp)${callStarting ? ' ADD calls :one' : ''}`,
          ConditionExpression: 'attribute_not_exists(pk) OR (#status = :pending AND lease_until < :now)',
          ExpressionAttributeNames: { '#status': 'status' },
          ExpressionAttributeValues: {
            ':pending': 'pending',
            ':claim': claimId,
            ':lease': now + leaseMs,
            ':now': now,
            ':exp': Math.floor(now / 1000) + this.retentionDays * 86_400,
            ...(callStarting ? { ':one': 1 } : {}),
          },
          ReturnValues: 'ALL_OLD',
        }),
      );
      const calls = out.Attributes?.calls;
      return { kind: 'claimed', previousCalls: typeof calls === 'number' ? calls : 0 };
    } catch (error) {
      if (!isConditionFailure(error)) throw error;
      const current = await this.db.send(new GetCommand({ TableName: this.table, Key: this.key(item), ConsistentRead: true }));
      return current.Item?.status === 'pending' ? { kind: 'busy' } : { kind: 'stored' };
    }
  }

  async markCallStarted(item: WorkItem, claimId: string): Promise<void> {
    await this.db.send(
      new UpdateCommand({
        TableName: this.table,
        Key: this.key(item),
        UpdateExpression: 'ADD calls :one',
        ConditionExpression: 'claim_id = :claim',
        ExpressionAttributeValues: { ':one': 1, ':claim': claimId },
      }),
    );
  }

  async renew(item: WorkItem, claimId: string, leaseMs: number, now: number): Promise<boolean> {
    try {
      await this.db.send(
        new UpdateCommand({
          TableName: this.table,
          Key: this.key(item),
          UpdateExpression: 'SET lease_until = :lease',
          ConditionExpression: 'claim_id = :claim AND #status = :pending',
          ExpressionAttributeNames: { '#status': 'status' },
          ExpressionAttributeValues: { ':lease': now + leaseMs, ':claim': claimId, ':pending': 'pending' },
        }),
      );
      return true;
    } catch (error) {
      if (isConditionFailure(error)) return false;
      throw error;
    }
  }

  async release(item: WorkItem, claimId: string, keepCallMark = false): Promise<void> {
    try {
      await this.db.send(
        new UpdateCommand({
          TableName: this.table,
          Key: this.key(item),
          UpdateExpression: keepCallMark ? 'SET lease_until = :zero' : 'SET lease_until = :zero, calls = :zero',
          ConditionExpression: 'claim_id = :claim AND #status = :pending',
          ExpressionAttributeNames: { '#status': 'status' },
          ExpressionAttributeValues: { ':zero': 0, ':claim': claimId, ':pending': 'pending' },
        }),
      );
    } catch (error) {
      if (!isConditionFailure(error)) throw error;
    }
  }

  async complete(item: WorkItem, claimId: string, result: ReplayResult): Promise<boolean> {
    const { answer, ...fields } = result;
    const values: Record<string, unknown> = { ...fields, answer_gz: encodeText(answer), ...this.byCaptureKeys(item) };
    const names: Record<string, string> = {};
    const attrs: Record<string, unknown> = { ':claim': claimId, ':pending': 'pending' };
    const sets: string[] = [];
    for (const [name, value] of Object.entries(values)) {
      if (value === undefined) continue;
      names[`#${name}`] = name;
      attrs[`:${name}`] = value;
      sets.push(`#${name} = :${name}`);
    }
    try {
      await this.db.send(
        new UpdateCommand({
          TableName: this.table,
          Key: this.key(item),
          UpdateExpression: `SET ${sets.join(', ')} REMOVE lease_until`,
          ConditionExpression: 'claim_id = :claim AND #status = :pending',
          ExpressionAttributeNames: names,
          ExpressionAttributeValues: attrs,
        }),
      );
      return true;
    } catch (error) {
      if (isConditionFailure(error)) return false;
      throw error;
    }
  }

  async storeIfAbsent(item: WorkItem, result: ReplayResult): Promise<boolean> {
    const { answer, ...fields } = result;
    try {
      await this.db.send(
        new PutCommand({
          TableName: this.table,
          Item: {
            ...this.key(item),
            ...fields,
            answer_gz: encodeText(answer),
            ...this.byCaptureKeys(item),
            expires_at: Math.floor(Date.parse(result.stored_at) / 1000) + this.retentionDays * 86_400,
          },
          ConditionExpression: 'attribute_not_exists(pk) OR #status = :pending',
          ExpressionAttributeNames: { '#status': 'status' },
          ExpressionAttributeValues: { ':pending': 'pending' },
        }),
      );
      return true;
    } catch (error) {
      if (isConditionFailure(error)) return false;
      throw error;
    }
  }

  async get(runId: string, model: string, captureId: string): Promise<ReplayResult | null> {
    const out = await this.db.send(new GetCommand({ TableName: this.table, Key: keys.result(runId, model, captureId), ConsistentRead: true }));
    if (!out.Item || out.Item.status === 'pending') return null;
    return toResult(out.Item);
  }

  async page(runId: string, model: string, cursor: string | null, limit: number): Promise<{ items: ReplayResult[]; cursor: string | null }> {
    const pk = keys.resultPartition(runId, model);
    const out = await this.db.send(
      new QueryCommand({
        TableName: this.table,
        KeyConditionExpression: 'pk = :pk',
        ExpressionAttributeValues: { ':pk': pk },
        ExclusiveStartKey: cursor === null ? undefined : startKey(cursor, pk),
        Limit: limit,
        ConsistentRead: true,
      }),
    );
    const items = (out.Items ?? []).filter((raw) => raw.status !== 'pending').map(toResult);
    return { items, cursor: out.LastEvaluatedKey ? JSON.stringify(out.LastEvaluatedKey) : null };
  }

  async tally(runId: string, model: string): Promise<RunCounts> {
    const pk = keys.resultPartition(runId, model);
    let counts = noCounts();
    let start: Record<string, unknown> | undefined;
    do {
      // Only the fields the counters need: the answers stay on the server.
      const out = await this.db.send(
        new QueryCommand({
          TableName: this.table,
          KeyConditionExpression: 'pk = :pk',
          ProjectionExpression: '#status, attempts, cost_usd, error_kind, calls',
          ExpressionAttributeNames: { '#status': 'status' },
          ExpressionAttributeValues: { ':pk': pk },
          ExclusiveStartKey: start,
          ConsistentRead: true,
        }),
      );
      for (const raw of out.Items ?? []) {
        if (raw.status === 'pending') continue;
        const parsed = TallyItemSchema.safeParse(raw);
        if (!parsed.success) throw new CorruptItemError('result', parsed.error);
        counts = addCounts(counts, countsOf(parsed.data, parsed.data.calls));
      }
      start = out.LastEvaluatedKey;
    } while (start);
    return counts;
  }

  async setPairwise(runId: string, model: string, captureId: string, outcome: 'win' | 'tie' | 'loss'): Promise<void> {
    await this.db.send(
      new UpdateCommand({
        TableName: this.table,
        Key: keys.result(runId, model, captureId),
        UpdateExpression: 'SET pairwise = :p',
        ConditionExpression: 'attribute_exists(pk)',
        ExpressionAttributeValues: { ':p': outcome },
      }),
    );
  }

  async setScore(
    runId: string,
    model: string,
    captureId: string,
    score: { quality: number | null; judge: ReplayResult['judge']; judge_status: 'scored' | 'unscored' },
  ): Promise<void> {
    await this.db.send(
      new UpdateCommand({
        TableName: this.table,
        Key: keys.result(runId, model, captureId),
        UpdateExpression: 'SET quality = :q, judge = :j, judge_status = :s',
        ConditionExpression: 'attribute_exists(pk)',
        ExpressionAttributeValues: { ':q': score.quality, ':j': score.judge ?? null, ':s': score.judge_status },
      }),
    );
  }
}
