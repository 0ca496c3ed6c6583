// Provider limits shared by every worker invocation, held in DynamoDB:
// - concurrency: one item per limit key with a list of lease expiry times, one per slot. A worker takes a free slot
//   with a conditional write on that list element; a crashed worker's slot frees itself when its lease expires.
// - requests and tokens per minute: a counter item per fixed one-minute window, incremented only while under the limit.
import { type DynamoDBDocumentClient, GetCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
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
    // Waiters in this process are woken the moment a slot here is released; other processes' releases are
    // found by polling with backoff.
    const started = Date.now();
    let freed: number | undefined;
    for (let wait = 10; ; wait = Math.min(100, wait * 1.5)) {
      const grant = await this.takeSlot(key, limit.maxConcurrency, leaseMs, now + (Date.now() - started), freed);
      if (grant.ok || Date.now() - started >= this.maxSlotWaitMs) return grant;
      freed = await this.nextRelease(key, wait * (0.5 + this.random()));
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

  private readonly waiters = new Map<string, ((slot: number) => void)[]>();

  /** Resolves with the index of a slot released in this process, or undefined when the wait times out. */
  private nextRelease(key: string, timeoutMs: number): Promise<number | undefined> {
    return new Promise((resolve) => {
      const list = this.waiters.get(key) ?? [];
      this.waiters.set(key, list);
      const wake = (slot: number) => {
        clearTimeout(timer);
        resolve(slot);
      };
      const timer = setTimeout(() => {
        const i = list.indexOf(wake);
        if (i >= 0) list.splice(i, 1);
        resolve(undefined);
      }, timeoutMs);
      list.push(wake);
    });
  }

  /** Slot count last seen per key: lets an acquire go straight to a conditional write, with no read first. */
  private readonly knownSlots = new Map<string, number>();

  private async takeSlot(key: string, slots: number, leaseMs: number, now: number, preferred?: number): Promise<LimiterGrant> {
    const itemKey = { pk: `LIMIT#${key}`, sk: 'SLOTS' };
    if (this.knownSlots.get(key) !== slots) {
      const out = await this.db.send(new GetCommand({ TableName: this.table, Key: itemKey, ConsistentRead: true }));
      const leases = Array.isArray(out.Item?.leases) ? (out.Item.leases as number[]) : null;
      if (leases?.length !== slots) await this.resetSlots(itemKey, slots, leases);
      this.knownSlots.set(key, slots);
    }
    // Probe a few random slots with a conditional write each: free means its lease has expired.
    const start = Math.floor(this.random() * slots);
    const order = Array.from({ length: Math.min(3, slots) }, (_, p) => (start + p * Math.max(1, Math.floor(slots / 3))) % slots);
    // A slot just released in this process is tried first: it is known to be free.
    if (preferred !== undefined && preferred < slots) order.unshift(preferred);
    for (const i of order) {
      const mine = now + leaseMs + this.random();
      try {
        await this.db.send(
          new UpdateCommand({
            TableName: this.table,
            Key: itemKey,
            UpdateExpression: `SET leases[${i}] = :mine`,
            ConditionExpression: `size(leases) = :n AND leases[${i}] < :now`,
            ExpressionAttributeValues: { ':mine': mine, ':now': now, ':n': slots },
          }),
        );
        return {
          ok: true,
          release: async () => {
            await this.releaseSlot(itemKey, i, mine);
            this.waiters.get(key)?.shift()?.(i);
          },
        };
      } catch (error) {
        if (!isConditionFailure(error)) throw error;
      }
    }
    return { ok: false, retryInMs: 1_000 + Math.floor(this.random() * 1_000) };
  }

  private async releaseSlot(itemKey: { pk: string; sk: string }, i: number, mine: number): Promise<void> {
    try {
      await this.db.send(
        new UpdateCommand({
          TableName: this.table,
          Key: itemKey,
          UpdateExpression: `SET leases[${i}] = :free`,
          ConditionExpression: `leases[${i}] = :mine`,
          ExpressionAttributeValues: { ':free': 0, ':mine': mine },
        }),
      );
    } catch (error) {
      if (!isConditionFailure(error)) throw error;
    }
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
