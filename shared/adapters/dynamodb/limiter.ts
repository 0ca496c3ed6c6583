// Provider limits shared by every worker invocation, held in DynamoDB:
// - concurrency: one item per limit key with a list of lease expiry times, one per slot. A worker takes a free slot
//   with a conditional write on that list element; a crashed worker's slot frees itself when its lease expires.
// - requests and tokens per minute: a counter item per fixed one-minute window, incremented only while under the limit.
import { GetCommand, UpdateCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import type { ProviderLimit } from '../../domain/limits.js';
import { minuteWindow } from '../../domain/limits.js';
import type { Limiter, LimiterGrant } from '../../ports/index.js';
import { isConditionFailure } from './client.js';

export class DynamoLimiter implements Limiter {
  constructor(
    private readonly db: DynamoDBDocumentClient,
    private readonly table: string,
    /** how long an acquire may wait for a concurrency slot to free before the item is put back on the queue */
    private readonly maxSlotWaitMs = 2_000,
    private readonly random: () => number = Math.random,
  ) {}

  async acquire(key: string, limit: ProviderLimit, tokens: number, leaseMs: number, now: number): Promise<LimiterGrant> {
    if (limit.rpm !== undefined || limit.tpm !== undefined) {
      const ok = await this.countInWindow(key, limit, tokens, now);
      if (!ok) return { ok: false, retryInMs: minuteWindow(now) + 60_000 - now + Math.floor(this.random() * 1000) };
    }
    if (limit.maxConcurrency === undefined) return { ok: true, release: async () => {} };
    // A slot usually frees within one call's latency: wait for it briefly (bounded) rather than bouncing the message
    // through SQS, whose delays come in whole seconds.
    const started = Date.now();
    for (;;) {
      const grant = await this.takeSlot(key, limit.maxConcurrency, leaseMs, now + (Date.now() - started));
      if (grant.ok || Date.now() - started >= this.maxSlotWaitMs) return grant;
      await new Promise((r) => setTimeout(r, 10 + Math.floor(this.random() * 40)));
    }
  }

  private async countInWindow(key: string, limit: ProviderLimit, tokens: number, now: number): Promise<boolean> {
    const window = minuteWindow(now);
    const conditions: string[] = [];
    const values: Record<string, unknown> = { ':one': 1, ':tokens': tokens, ':exp': Math.floor(window / 1000) + 180 };
    if (limit.rpm !== undefined) {
      conditions.push('(attribute_not_exists(requests) OR requests < :rpm)');
      values[':rpm'] = limit.rpm;
    }
    if (limit.tpm !== undefined) {
      conditions.push('(attribute_not_exists(tokens_used) OR tokens_used <= :room)');
      values[':room'] = limit.tpm - tokens;
      if (tokens > limit.tpm) return false;
    }
    try {
      await this.db.send(
        new UpdateCommand({
          TableName: this.table,
          Key: { pk: `LIMIT#${key}`, sk: `WINDOW#${window}` },
          UpdateExpression: 'ADD requests :one, tokens_used :tokens SET expires_at = :exp',
          ConditionExpression: conditions.join(' AND '),
          ExpressionAttributeValues: values,
        }),
      );
      return true;
    } catch (error) {
      if (isConditionFailure(error)) return false;
      throw error;
    }
  }

  private async takeSlot(key: string, slots: number, leaseMs: number, now: number): Promise<LimiterGrant> {
    const itemKey = { pk: `LIMIT#${key}`, sk: 'SLOTS' };
    for (let attempt = 0; attempt < 3; attempt++) {
      const out = await this.db.send(new GetCommand({ TableName: this.table, Key: itemKey, ConsistentRead: true }));
      const leases = Array.isArray(out.Item?.leases) ? (out.Item.leases as number[]) : [];
      if (leases.length !== slots) {
        // First use, or the configured concurrency changed: (re)create the slot list. Existing leases are dropped,
        // at worst letting in-flight calls overlap once, when an operator changes the limit.
        await this.resetSlots(itemKey, slots, out.Item ? leases : null);
        continue;
      }
      const free = leases.map((expiry, i) => ({ expiry, i })).filter((s) => s.expiry < now);
      if (free.length === 0) return { ok: false, retryInMs: 1_000 + Math.floor(this.random() * 1_000) };
      const slot = free[Math.floor(this.random() * free.length)]!;
      const mine = now + leaseMs;
      try {
        await this.db.send(
          new UpdateCommand({
            TableName: this.table,
            Key: itemKey,
            UpdateExpression: `SET leases[${slot.i}] = :mine`,
            ConditionExpression: `leases[${slot.i}] = :old`,
            ExpressionAttributeValues: { ':mine': mine, ':old': slot.expiry },
          }),
        );
      } catch (error) {
        if (isConditionFailure(error)) continue;
        throw error;
      }
      return {
        ok: true,
        release: async () => {
          try {
            await this.db.send(
              new UpdateCommand({
                TableName: this.table,
                Key: itemKey,
                UpdateExpression: `SET leases[${slot.i}] = :free`,
                ConditionExpression: `leases[${slot.i}] = :mine`,
                ExpressionAttributeValues: { ':free': 0, ':mine': mine },
              }),
            );
          } catch (error) {
            if (!isConditionFailure(error)) throw error;
          }
        },
      };
    }
    return { ok: false, retryInMs: 200 + Math.floor(this.random() * 300) };
  }

  private async resetSlots(itemKey: { pk: string; sk: string }, slots: number, previous: number[] | null): Promise<void> {
    try {
      await this.db.send(
        new UpdateCommand({
          TableName: this.table,
          Key: itemKey,
          UpdateExpression: 'SET leases = :fresh',
          ConditionExpression: previous === null ? 'attribute_not_exists(pk)' : 'size(leases) = :n',
          ExpressionAttributeValues: { ':fresh': Array.from({ length: slots }, () => 0), ...(previous === null ? {} : { ':n': previous.length }) },
        }),
      );
    } catch (error) {
      if (!isConditionFailure(error)) throw error;
    }
  }
}
