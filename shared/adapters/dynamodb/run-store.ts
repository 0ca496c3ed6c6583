import { type DynamoDBDocumentClient, GetCommand, PutCommand, QueryCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { decodeText, encodeText } from '../../domain/capture.js';
import type { JudgeTierCounts } from '../../domain/judge-cascade.js';
import type { RecommendationRecord } from '../../domain/recommendation.js';
import type { RunCounts, RunRecord, RunStatus, RunSummary } from '../../domain/run.js';
import type { RunMetrics } from '../../domain/run-metrics.js';
import type { RunStore } from '../../ports/index.js';
import type { RunRef } from '../../schemas/messages.js';
import { RecommendationRecordSchema, RunItemSchema, RunMetricsSchema, RunSummaryItemSchema } from '../../schemas/stored.js';
import { CorruptItemError, isConditionFailure } from './client.js';
import { GSI_BY_OWNER, keys } from './keys.js';

export class DynamoRunStore implements RunStore {
  constructor(
    private readonly db: DynamoDBDocumentClient,
    private readonly table: string,
    private readonly retentionDays: number,
  ) {}

  private expiresAt(createdAt: string): number {
    return Math.floor(Date.parse(createdAt) / 1000) + this.retentionDays * 86_400;
  }

  async create(run: RunRecord): Promise<void> {
    await this.db.send(
      new PutCommand({
        TableName: this.table,
        Item: {
          ...keys.run(run.tenant_id, run.run_id),
          ...run,
          gsi2pk: keys.runsPartition(run.tenant_id),
          gsi2sk: `${run.created_at}#${run.run_id}`,
          expires_at: this.expiresAt(run.created_at),
        },
        ConditionExpression: 'attribute_not_exists(pk)',
      }),
    );
  }

  async get(ref: RunRef): Promise<RunRecord | null> {
    const out = await this.db.send(new GetCommand({ TableName: this.table, Key: keys.run(ref.tenant_id, ref.run_id), ConsistentRead: true }));
    if (!out.Item) return null;
    const parsed = RunItemSchema.safeParse(out.Item);
    if (!parsed.success) throw new CorruptItemError('run', parsed.error);
    return parsed.data;
  }

  async recordResult(ref: RunRef, delta: Partial<RunCounts> & { settle_usd?: number }): Promise<boolean> {
    try {
      await this.db.send(
        new UpdateCommand({
          TableName: this.table,
          Key: keys.run(ref.tenant_id, ref.run_id),
          UpdateExpression: 'ADD #stored :s, cost_usd :c, double_calls :d, skipped :k, dead_lettered :l, reserved_usd :r',
          // Once aggregation began, its recount of the stored results set the counters: adding more would count twice.
          ConditionExpression: '#status = :running',
          ExpressionAttributeNames: { '#stored': 'stored', '#status': 'status' },
          ExpressionAttributeValues: {
            ':s': delta.stored ?? 0,
            ':c': delta.cost_usd ?? 0,
            ':d': delta.double_calls ?? 0,
            ':k': delta.skipped ?? 0,
            ':l': delta.dead_lettered ?? 0,
            ':r': delta.settle_usd ?? 0,
            ':running': 'running',
          },
        }),
      );
      return true;
    } catch (error) {
      if (isConditionFailure(error)) return false;
      throw error;
    }
  }

  async reserveBudget(ref: RunRef, usd: number, budget: number): Promise<boolean> {
    try {
      await this.db.send(
        new UpdateCommand({
          TableName: this.table,
          Key: keys.run(ref.tenant_id, ref.run_id),
          UpdateExpression: 'ADD reserved_usd :x',
          ConditionExpression: 'attribute_exists(pk) AND (attribute_not_exists(reserved_usd) OR reserved_usd <= :room)',
          ExpressionAttributeValues: { ':x': usd, ':room': budget - usd },
        }),
      );
      return true;
    } catch (error) {
      if (isConditionFailure(error)) return false;
      throw error;
    }
  }

  async addJudgeSpend(ref: RunRef, usd: number, verdicts = 0): Promise<void> {
    if (usd === 0 && verdicts === 0) return;
    await this.db.send(
      new UpdateCommand({
        TableName: this.table,
        Key: keys.run(ref.tenant_id, ref.run_id),
        UpdateExpression: 'ADD judge_cost_usd :x, judge_verdicts :n',
        ConditionExpression: 'attribute_exists(pk)',
        ExpressionAttributeValues: { ':x': usd, ':n': verdicts },
      }),
    );
  }

  async addJudgeTiers(ref: RunRef, counts: JudgeTierCounts): Promise<void> {
    if (Object.values(counts).every((n) => n === 0)) return;
    await this.db.send(
      new UpdateCommand({
        TableName: this.table,
        Key: keys.run(ref.tenant_id, ref.run_id),
        UpdateExpression: 'ADD judge_rubric_cheap :rc, judge_rubric_escalated :re, judge_pairwise_cheap :pc, judge_pairwise_escalated :pe',
        ConditionExpression: 'attribute_exists(pk)',
        ExpressionAttributeValues: {
          ':rc': counts.rubric_cheap,
          ':re': counts.rubric_escalated,
          ':pc': counts.pairwise_cheap,
          ':pe': counts.pairwise_escalated,
        },
      }),
    );
  }

  async settleBudget(ref: RunRef, delta: number): Promise<void> {
    if (delta === 0) return;
    await this.db.send(
      new UpdateCommand({
        TableName: this.table,
        Key: keys.run(ref.tenant_id, ref.run_id),
        UpdateExpression: 'ADD reserved_usd :d',
        ExpressionAttributeValues: { ':d': delta },
      }),
    );
  }

  async markBudgetReached(ref: RunRef): Promise<void> {
    await this.db.send(
      new UpdateCommand({
        TableName: this.table,
        Key: keys.run(ref.tenant_id, ref.run_id),
        UpdateExpression: 'SET budget_reached = :t',
        ConditionExpression: 'attribute_exists(pk)',
        ExpressionAttributeValues: { ':t': true },
      }),
    );
  }

  async setStatus(ref: RunRef, status: RunStatus, reasons: string[], finishedAt?: string): Promise<void> {
    await this.db.send(
      new UpdateCommand({
        TableName: this.table,
        Key: keys.run(ref.tenant_id, ref.run_id),
        UpdateExpression: 'SET #status = :status, reasons = :reasons, finished_at = :finished',
        ExpressionAttributeNames: { '#status': 'status' },
        ExpressionAttributeValues: { ':status': status, ':reasons': reasons, ':finished': finishedAt ?? null },
        ConditionExpression: 'attribute_exists(pk)',
      }),
    );
  }

  async beginAggregation(ref: RunRef, reasons: string[], recounted?: RunCounts): Promise<boolean> {
    const counts = recounted
      ? {
          set: ', #stored = :s, cost_usd = :c, double_calls = :d, skipped = :k, dead_lettered = :l',
          values: { ':s': recounted.stored, ':c': recounted.cost_usd, ':d': recounted.double_calls, ':k': recounted.skipped, ':l': recounted.dead_lettered },
        }
      : { set: '', values: {} };
    try {
      await this.db.send(
        new UpdateCommand({
          TableName: this.table,
          Key: keys.run(ref.tenant_id, ref.run_id),
          UpdateExpression: `SET #status = :agg, reasons = :reasons${counts.set}`,
          ConditionExpression: '#status = :running',
          ExpressionAttributeNames: { '#status': 'status', ...(recounted ? { '#stored': 'stored' } : {}) },
          ExpressionAttributeValues: { ':agg': 'aggregating', ':running': 'running', ':reasons': reasons, ...counts.values },
        }),
      );
      return true;
    } catch (error) {
      if (isConditionFailure(error)) return false;
      throw error;
    }
  }

  async putMetrics(ref: RunRef, metrics: RunMetrics): Promise<void> {
    await this.db.send(
      new PutCommand({
        TableName: this.table,
        Item: {
          ...keys.runMetrics(ref.tenant_id, ref.run_id),
          metrics: encodeText(JSON.stringify(metrics)),
          expires_at: this.expiresAt(new Date().toISOString()),
        },
      }),
    );
  }

  async getMetrics(ref: RunRef): Promise<RunMetrics | null> {
    const out = await this.db.send(new GetCommand({ TableName: this.table, Key: keys.runMetrics(ref.tenant_id, ref.run_id), ConsistentRead: true }));
    const raw = out.Item?.metrics;
    if (!(raw instanceof Uint8Array)) return null;
    // Written by ComputeMetrics; the check guards against an item from another version (and restores NaN intervals).
    const parsed = RunMetricsSchema.safeParse(JSON.parse(decodeText(raw)));
    if (!parsed.success) throw new CorruptItemError('run metrics', parsed.error);
    return parsed.data;
  }

  async putRecommendation(ref: RunRef, record: RecommendationRecord): Promise<void> {
    await this.db.send(
      new PutCommand({
        TableName: this.table,
        Item: {
          ...keys.runRecommendation(ref.tenant_id, ref.run_id),
          record: encodeText(JSON.stringify(record)),
          expires_at: this.expiresAt(new Date().toISOString()),
        },
      }),
    );
    // The sentence also goes on the run item, so a list of runs needs no second read.
    await this.db.send(
      new UpdateCommand({
        TableName: this.table,
        Key: keys.run(ref.tenant_id, ref.run_id),
        UpdateExpression: 'SET headline = :h',
        ConditionExpression: 'attribute_exists(pk)',
        ExpressionAttributeValues: { ':h': record.reasoning },
      }),
    );
  }

  async list(tenantId: string, limit: number, after: string | null): Promise<{ items: RunSummary[]; next: string | null }> {
    const out = await this.db.send(
      new QueryCommand({
        TableName: this.table,
        IndexName: GSI_BY_OWNER,
        KeyConditionExpression: after ? 'gsi2pk = :pk AND gsi2sk < :after' : 'gsi2pk = :pk',
        ExpressionAttributeValues: { ':pk': keys.runsPartition(tenantId), ...(after ? { ':after': after } : {}) },
        ScanIndexForward: false,
        Limit: limit,
      }),
    );
    const items = (out.Items ?? []).map((raw) => {
      const parsed = RunSummaryItemSchema.safeParse(raw);
      if (!parsed.success) throw new CorruptItemError('run summary', parsed.error);
      return parsed.data;
    });
    const last = out.Items?.[out.Items.length - 1];
    return { items, next: out.LastEvaluatedKey && last ? String(last.gsi2sk) : null };
  }

  async getRecommendation(ref: RunRef): Promise<RecommendationRecord | null> {
    const out = await this.db.send(new GetCommand({ TableName: this.table, Key: keys.runRecommendation(ref.tenant_id, ref.run_id), ConsistentRead: true }));
    const raw = out.Item?.record;
    if (!(raw instanceof Uint8Array)) return null;
    const parsed = RecommendationRecordSchema.safeParse(JSON.parse(decodeText(raw)));
    if (!parsed.success) throw new CorruptItemError('recommendation record', parsed.error);
    return parsed.data as RecommendationRecord;
  }
}
