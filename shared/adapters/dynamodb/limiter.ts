// Provider limits shared by every worker invocation, held in DynamoDB:
// - concurrency: the slots of a limit key are spread over items of at most 25 slots each (`LIMIT#<key>` /
//   `SLOTS#<n>`), each a list of lease expiry times, one per slot. A worker takes a free slot with a conditional write
//   on that list element; a crashed worker's slot frees itself when its lease expires.
// - requests and tokens per minute: a counter item per fixed one-minute window, incremented only while under the limit.
//
// Waiting costs no writes. A slot this process holds is handed straight to the next caller waiting here when its call
// ends (no release and no take: the slot stays taken under the same lease, renewed only when too little of it is
// left). A caller that finds no free slot reads the item once to find one rather than probing blindly; with none free
// it waits here, bounded, for a slot this process holds, or is told when to come back (the worker re-queues the message
// with that delay). A window found full is remembered until it ends, so callers in this process do not write to it again.
import { type DynamoDBDocumentClient, GetCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import type { ProviderLimit } from '../../domain/limits.js';
import { minuteWindow } from '../../domain/limits.js';
import type { Limiter, LimiterGrant } from '../../ports/index.js';
import { isConditionFailure } from './client.js';

/** Slots per DynamoDB item: a list of 25 expiry times stays well under 1 KB (one write unit per write). */
export const SLOTS_PER_ITEM = 25;

type ItemKey = { pk: string; sk: string };
/** A slot held by this process: item, index in its list, and its lease expiry (unique: it is also the owner's mark). */
type Held = { itemKey: ItemKey; i: number; mine: number };
/** This process's slots of one key: how many it holds, which (`<sk>:<i>`, also those being taken), and callers waiting. */
type Pool = { held: number; mine: Set<string>; waiters: ((slot: Held) => void)[] };

export const slotItemKey = (key: string, shard: number): ItemKey => ({ pk: `LIMIT#${key}`, sk: `SLOTS#${shard}` });
export const slotShards = (slots: number): number => Math.ceil(slots / SLOTS_PER_ITEM);
const shardSize = (slots: number, shard: number): number => Math.min(SLOTS_PER_ITEM, slots - shard * SLOTS_PER_ITEM);

export class DynamoLimiter implements Limiter {
  constructor(
    private readonly db: DynamoDBDocumentClient,
    private readonly table: string,
    /** how long an acquire may wait for a slot held in this process before the item is put back on the queue */
    private readonly maxSlotWaitMs = 2_000,
    private readonly random: () => number = Math.random,
  ) {}

  private readonly pools = new Map<string, Pool>();
  /** windows (per key) found full, and the fewest tokens a call asked for when it was refused */
  private readonly fullWindows = new Map<string, { window: number; tokens: number }>();
  /** slot count last set up per key: lets an acquire go straight to a conditional write, with no read first */
  private readonly knownSlots = new Map<string, number>();
  /** when this process last found every slot of a key taken: a blind write would probably fail, so read first */
  private readonly lastFull = new Map<string, number>();

  async acquire(key: string, limit: ProviderLimit, tokens: number, leaseMs: number, now: number): Promise<LimiterGrant> {
    if (limit.rpm !== undefined || limit.tpm !== undefined) {
      const window = minuteWindow(now);
      const retryInMs = window + 60_000 - now + Math.floor(this.random() * 1000);
      const full = this.fullWindows.get(key);
      if (full && full.window === window && tokens >= full.tokens) return { ok: false, retryInMs };
      if (!(await this.countInWindow(key, limit, tokens, now))) {
        this.fullWindows.set(key, { window, tokens: full?.window === window ? Math.min(full.tokens, tokens) : tokens });
        return { ok: false, retryInMs };
      }
    }
    const slots = limit.maxConcurrency;
    if (slots === undefined) return { ok: true, release: async () => {} };
    const pool = this.pools.get(key) ?? { held: 0, mine: new Set<string>(), waiters: [] };
    this.pools.set(key, pool);
    const started = Date.now();
    const at = () => now + (Date.now() - started);

    // Callers already waiting here go first; with every slot held here, DynamoDB has none to give either.
    if (pool.waiters.length === 0 && pool.held < slots) {
      const taken = await this.takeSlot(key, pool, slots, leaseMs, now);
      if (taken) {
        pool.held++;
        return this.grant(key, pool, taken);
      }
    }
    if (pool.held === 0) return { ok: false, retryInMs: 1_000 + Math.floor(this.random() * 1_000) };
    const handed = await this.handOver(pool, this.maxSlotWaitMs);
    if (!handed) {
      // Nothing was handed over in time: one more look in DynamoDB (another process may have freed a slot), then back
      // to the queue.
      const taken = await this.takeSlot(key, pool, slots, leaseMs, at());
      if (!taken) return { ok: false, retryInMs: 1_000 + Math.floor(this.random() * 1_000) };
      pool.held++;
      return this.grant(key, pool, taken);
    }
    // The lease was taken for 1.5 leases: renew only when less than one lease is left.
    if (handed.mine - at() < leaseMs) {
      const renewed = await this.renewSlot(handed, at() + Math.floor(leaseMs * 1.5) + this.random());
      if (!renewed) {
        pool.held--;
        pool.mine.delete(`${handed.itemKey.sk}:${handed.i}`);
        return { ok: false, retryInMs: 1_000 + Math.floor(this.random() * 1_000) };
      }
      return this.grant(key, pool, renewed);
    }
    return this.grant(key, pool, handed);
  }

  private grant(key: string, pool: Pool, slot: Held): LimiterGrant {
    let released = false;
    return {
      ok: true,
      release: async () => {
        if (released) return;
        released = true;
        const next = pool.waiters.shift();
        if (next) return next(slot);
        pool.held--;
        pool.mine.delete(`${slot.itemKey.sk}:${slot.i}`);
        await this.releaseSlot(slot);
        this.lastFull.delete(key);
      },
    };
  }

  /** Resolves with a slot handed over by a caller in this process, or null when the wait times out. */
  private handOver(pool: Pool, timeoutMs: number): Promise<Held | null> {
    return new Promise((resolve) => {
      const wake = (slot: Held) => {
        clearTimeout(timer);
        resolve(slot);
      };
      const timer = setTimeout(() => {
        const i = pool.waiters.indexOf(wake);
        if (i >= 0) pool.waiters.splice(i, 1);
        resolve(null);
      }, timeoutMs);
      pool.waiters.push(wake);
    });
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

  /** Sets up (once per process and slot count) the items of a key, each with the right number of slots. */
  private async ensureItems(key: string, slots: number): Promise<void> {
    if (this.knownSlots.get(key) === slots) return;
    for (let shard = 0; shard < slotShards(slots); shard++) {
      const itemKey = slotItemKey(key, shard);
      const out = await this.db.send(new GetCommand({ TableName: this.table, Key: itemKey, ConsistentRead: true }));
      const leases = Array.isArray(out.Item?.leases) ? (out.Item.leases as number[]) : null;
      if (leases?.length !== shardSize(slots, shard)) await this.resetSlots(itemKey, shardSize(slots, shard), leases);
    }
    this.knownSlots.set(key, slots);
  }

  /**
   * One conditional write on a random slot of a random item; if it is taken (or every slot was lately), one read of an
   * item to find a free slot and one write on it, for at most two items. Null when none was found free.
   */
  private async takeSlot(key: string, pool: Pool, slots: number, leaseMs: number, now: number): Promise<Held | null> {
    await this.ensureItems(key, slots);
    const shards = slotShards(slots);
    const first = Math.floor(this.random() * shards);
    const mine = () => now + Math.floor(leaseMs * 1.5) + this.random();
    const lately = this.lastFull.get(key);
    if (lately === undefined || now - lately > 1_000) {
      // A random slot of a random item, but not one this process holds (known taken).
      const itemKey = slotItemKey(key, first);
      const candidates = Array.from({ length: shardSize(slots, first) }, (_, i) => i).filter((i) => !pool.mine.has(`${itemKey.sk}:${i}`));
      const i = candidates[Math.floor(this.random() * candidates.length)];
      const held = i === undefined ? null : await this.tryOwn(pool, itemKey, i, shardSize(slots, first), mine(), now);
      if (held) return held;
    }
    for (let s = 0; s < Math.min(2, shards); s++) {
      const shard = (first + s) % shards;
      const itemKey = slotItemKey(key, shard);
      const out = await this.db.send(new GetCommand({ TableName: this.table, Key: itemKey, ConsistentRead: true }));
      const leases = Array.isArray(out.Item?.leases) ? (out.Item.leases as number[]) : [];
      const free = leases.flatMap((lease, i) => (lease < now && !pool.mine.has(`${itemKey.sk}:${i}`) ? [i] : []));
      if (free.length === 0) continue;
      const i = free[Math.floor(this.random() * free.length)] as number;
      const held = await this.tryOwn(pool, itemKey, i, shardSize(slots, shard), mine(), now);
      if (held) return held;
    }
    this.lastFull.set(key, now);
    return null;
  }

  /** Marks the slot as this process's before writing, so concurrent callers here aim at other slots. */
  private async tryOwn(pool: Pool, itemKey: ItemKey, i: number, size: number, mine: number, now: number): Promise<Held | null> {
    const tag = `${itemKey.sk}:${i}`;
    pool.mine.add(tag);
    try {
      const held = await this.write(itemKey, i, size, mine, now);
      if (!held) pool.mine.delete(tag);
      return held;
    } catch (error) {
      pool.mine.delete(tag);
      throw error;
    }
  }

  private async write(itemKey: ItemKey, i: number, size: number, mine: number, now: number): Promise<Held | null> {
    try {
      await this.db.send(
        new UpdateCommand({
          TableName: this.table,
          Key: itemKey,
          UpdateExpression: `SET leases[${i}] = :mine`,
          ConditionExpression: `size(leases) = :n AND leases[${i}] < :now`,
          ExpressionAttributeValues: { ':mine': mine, ':now': now, ':n': size },
        }),
      );
      return { itemKey, i, mine };
    } catch (error) {
      if (isConditionFailure(error)) return null;
      throw error;
    }
  }

  /** Extends a held slot's lease; null when it was lost (it ran out and another worker took it). */
  private async renewSlot(slot: Held, mine: number): Promise<Held | null> {
    try {
      await this.db.send(
        new UpdateCommand({
          TableName: this.table,
          Key: slot.itemKey,
          UpdateExpression: `SET leases[${slot.i}] = :next`,
          ConditionExpression: `leases[${slot.i}] = :mine`,
          ExpressionAttributeValues: { ':next': mine, ':mine': slot.mine },
        }),
      );
      return { ...slot, mine };
    } catch (error) {
      if (isConditionFailure(error)) return null;
      throw error;
    }
  }

  private async releaseSlot(slot: Held): Promise<void> {
    try {
      await this.db.send(
        new UpdateCommand({
          TableName: this.table,
          Key: slot.itemKey,
          UpdateExpression: `SET leases[${slot.i}] = :free`,
          ConditionExpression: `leases[${slot.i}] = :mine`,
          ExpressionAttributeValues: { ':free': 0, ':mine': slot.mine },
        }),
      );
    } catch (error) {
      if (!isConditionFailure(error)) throw error;
    }
  }

  private async resetSlots(itemKey: ItemKey, slots: number, previous: number[] | null): Promise<void> {
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
