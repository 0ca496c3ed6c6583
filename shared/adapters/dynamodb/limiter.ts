// Provider limits shared by every worker invocation, held in DynamoDB:
// - concurrency: the slots of a limit key are spread over items of at most 25 slots each (`LIMIT#<key>` /
//   `SLOTS#<n>`), each a list of lease expiry times, one per slot. A worker takes a free slot with a conditional write
//   on that list element; a crashed worker's slot frees itself when its lease expires.
// - requests and tokens per minute: a counter item per fixed one-minute window, incremented only while under the limit.
//
// Slots change hands in this process without writes. A slot whose call ends is handed straight to a caller waiting
// here (it stays taken under the same lease, renewed only when too little of it is left); with nobody waiting it
// lingers here, still taken, for `lingerMs`, so the next caller takes it with no write, and is then freed with the
// other idle slots of its item in one write. Callers that need a slot or a window count in the same tick share one
// write: one conditional write takes several slots of an item, one `ADD` counts several requests. A caller that finds
// no free slot reads the item once to find one rather than probing blindly; with none free it waits here, bounded, for
// a slot this process holds, or is told when to come back (the worker re-queues the message with that delay). A window
// found full is remembered until it ends, so callers in this process do not write to it again.
import { type DynamoDBDocumentClient, GetCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { minuteWindow, type ProviderLimit } from '../../domain/limits.js';
import type { Limiter, LimiterGrant } from '../../ports/index.js';
import { isConditionFailure } from './client.js';
import { RateWindows } from './rate-window.js';

/** Slots per DynamoDB item: a list of 25 expiry times stays well under 1 KB (one write unit per write). */
export const SLOTS_PER_ITEM = 25;

type ItemKey = { pk: string; sk: string };
/** A slot held by this process: item, index in its list, and its lease expiry (unique: it is also the owner's mark). */
type Held = { itemKey: ItemKey; i: number; mine: number };
/** A caller waiting for this tick's shared take of slots. */
type Taker = { leaseMs: number; now: number; resolve: (slot: Held | null) => void; reject: (error: unknown) => void };
/**
 * This process's slots of one key: how many it holds (in use or idle), which (`<sk>:<i>`, also those being taken),
 * callers waiting for one, idle ones (taken, unused, until they are freed), and callers of this tick's shared take.
 */
type Pool = {
  held: number;
  mine: Set<string>;
  waiters: ((slot: Held) => void)[];
  /** oldest first; the newest is taken first, so slots beyond what calls need age out */
  idle: { slot: Held; since: number }[];
  freeing?: NodeJS.Timeout;
  takers: Taker[];
};

export const slotItemKey = (key: string, shard: number): ItemKey => ({ pk: `LIMIT#${key}`, sk: `SLOTS#${shard}` });
export const slotShards = (slots: number): number => Math.ceil(slots / SLOTS_PER_ITEM);
const shardSize = (slots: number, shard: number): number => Math.min(SLOTS_PER_ITEM, slots - shard * SLOTS_PER_ITEM);
const tag = (slot: { itemKey: ItemKey; i: number }) => `${slot.itemKey.sk}:${slot.i}`;

export class DynamoLimiter implements Limiter {
  private readonly windows: RateWindows;

  constructor(
    private readonly db: DynamoDBDocumentClient,
    private readonly table: string,
    /** how long an acquire may wait for a slot held in this process before the item is put back on the queue */
    private readonly maxSlotWaitMs = 2_000,
    private readonly random: () => number = Math.random,
    /** how long a slot nobody here waits for stays taken here before it is freed (0: freed at once) */
    private readonly lingerMs = 0,
  ) {
    this.windows = new RateWindows(db, table);
  }

  private readonly pools = new Map<string, Pool>();
  /** slot count last set up per key: lets an acquire go straight to a conditional write, with no read first */
  private readonly knownSlots = new Map<string, number>();
  /** when this process last found every slot of a key taken: a blind write would probably fail, so read first */
  private readonly lastFull = new Map<string, number>();

  async acquire(key: string, limit: ProviderLimit, tokens: number, leaseMs: number, now: number): Promise<LimiterGrant> {
    const windowed = limit.rpm !== undefined || limit.tpm !== undefined;
    const retryNextWindow = () => ({ ok: false as const, retryInMs: minuteWindow(now) + 60_000 - now + Math.floor(this.random() * 1000) });
    if (windowed && this.windows.knownFull(key, tokens, now)) return retryNextWindow();
    // The slot first: a caller that waits for one and is sent back has not used up a request of the window.
    let grant: Extract<LimiterGrant, { ok: true }> = { ok: true, release: async () => {} };
    if (limit.maxConcurrency !== undefined) {
      const pool = this.pool(key);
      const slot = await this.slot(key, pool, limit.maxConcurrency, leaseMs, now);
      if (!slot) return { ok: false, retryInMs: 1_000 + Math.floor(this.random() * 1_000) };
      grant = this.grant(key, pool, slot);
    }
    if (windowed && !(await this.windows.admit(key, limit, tokens, now))) {
      await grant.release();
      return retryNextWindow();
    }
    return grant;
  }

  private pool(key: string): Pool {
    const pool = this.pools.get(key) ?? { held: 0, mine: new Set<string>(), waiters: [], idle: [], takers: [] };
    this.pools.set(key, pool);
    return pool;
  }

  private async slot(key: string, pool: Pool, slots: number, leaseMs: number, now: number): Promise<Held | null> {
    const started = Date.now();
    const at = () => now + (Date.now() - started);
    const idle = pool.idle.pop()?.slot;
    if (idle) return this.refreshed(pool, idle, leaseMs, now);
    // Callers already waiting here go first; with every slot held here, DynamoDB has none to give either.
    if (pool.waiters.length === 0 && pool.held < slots) {
      const taken = await this.take(key, pool, slots, leaseMs, now);
      if (taken) return taken;
    }
    if (pool.held === 0) return null;
    // A slot may have gone idle here while this caller looked in DynamoDB.
    const idleNow = pool.idle.pop()?.slot;
    if (idleNow) return this.refreshed(pool, idleNow, leaseMs, at());
    const handed = await this.handOver(pool, this.maxSlotWaitMs);
    if (handed) return this.refreshed(pool, handed, leaseMs, at());
    // Nothing was handed over in time: one more look in DynamoDB (another process may have freed a slot) unless every
    // slot is held here, then back to the queue.
    return pool.held < slots ? this.take(key, pool, slots, leaseMs, at()) : null;
  }

  /** A slot taken for 1.5 leases, changing hands here: renewed only when less than one lease is left. */
  private async refreshed(pool: Pool, slot: Held, leaseMs: number, now: number): Promise<Held | null> {
    if (slot.mine - now >= leaseMs) return slot;
    const renewed = await this.renewSlot(slot, now + Math.floor(leaseMs * 1.5) + this.random());
    if (!renewed) {
      pool.held--;
      pool.mine.delete(tag(slot));
    }
    return renewed;
  }

  private grant(key: string, pool: Pool, slot: Held): Extract<LimiterGrant, { ok: true }> {
    let released = false;
    return {
      ok: true,
      release: async () => {
        if (released) return;
        released = true;
        const next = pool.waiters.shift();
        if (next) return next(slot);
        if (this.lingerMs > 0) return this.linger(pool, slot);
        pool.held--;
        pool.mine.delete(tag(slot));
        await this.freeSlots([slot]);
        this.lastFull.delete(key);
      },
    };
  }

  /** Keeps a slot taken here, idle, for the next caller; once the oldest has lingered `lingerMs`, they are freed together. */
  private linger(pool: Pool, slot: Held): void {
    pool.idle.push({ slot, since: Date.now() });
    this.scheduleFree(pool);
  }

  private scheduleFree(pool: Pool): void {
    const oldest = pool.idle[0];
    if (pool.freeing || !oldest) return;
    pool.freeing = setTimeout(
      () => {
        pool.freeing = undefined;
        // Slots idle for half the linger go too, in the same write, rather than one write each a moment later.
        const cutoff = Date.now() - this.lingerMs / 2;
        const fresh = pool.idle.findIndex((e) => e.since > cutoff);
        const due = pool.idle.splice(0, fresh < 0 ? pool.idle.length : fresh).map((e) => e.slot);
        pool.held -= due.length;
        for (const s of due) pool.mine.delete(tag(s));
        for (const [key, p] of this.pools) if (p === pool && due.length > 0) this.lastFull.delete(key);
        // Every due slot of an item in one write; a failure here costs only the lease (the slots free themselves).
        const byItem = new Map<string, Held[]>();
        for (const s of due) byItem.set(s.itemKey.sk, [...(byItem.get(s.itemKey.sk) ?? []), s]);
        Promise.all([...byItem.values()].map((group) => this.freeSlots(group))).catch(() => {});
        this.scheduleFree(pool);
      },
      Math.max(0, oldest.since + this.lingerMs - Date.now()),
    );
    pool.freeing.unref?.();
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

  /** A slot for this caller; callers of a key in the same tick share the writes (see takeSlots). */
  private take(key: string, pool: Pool, slots: number, leaseMs: number, now: number): Promise<Held | null> {
    return new Promise((resolve, reject) => {
      pool.takers.push({ leaseMs, now, resolve, reject });
      if (pool.takers.length > 1) return;
      setImmediate(() => {
        const takers = pool.takers.splice(0);
        this.takeSlots(key, pool, slots, takers).then(
          (held) => {
            pool.held += held.length;
            takers.forEach((t, n) => {
              t.resolve(held[n] ?? null);
            });
          },
          (error) => {
            for (const t of takers) t.reject(error);
          },
        );
      });
    });
  }

  /**
   * Slots for these takers (as many as were free, at most one each). One taker: one conditional write on a random
   * slot of a random item, if every slot was not lately taken. Then (or for several takers) one read of an item to find
   * free slots and one write taking as many as are needed, for at most two items.
   */
  private async takeSlots(key: string, pool: Pool, slots: number, takers: Taker[]): Promise<Held[]> {
    await this.ensureItems(key, slots);
    const { leaseMs, now } = takers[0] as Taker;
    const shards = slotShards(slots);
    const first = Math.floor(this.random() * shards);
    const mine = () => now + Math.floor(leaseMs * 1.5) + this.random();
    const lately = this.lastFull.get(key);
    const held: Held[] = [];
    if (takers.length === 1 && (lately === undefined || now - lately > 1_000)) {
      // A random slot of a random item, but not one this process holds (known taken).
      const itemKey = slotItemKey(key, first);
      const candidates = Array.from({ length: shardSize(slots, first) }, (_, i) => i).filter((i) => !pool.mine.has(tag({ itemKey, i })));
      const i = candidates[Math.floor(this.random() * candidates.length)];
      const got = i === undefined ? [] : await this.own(pool, itemKey, [i], shardSize(slots, first), mine, now);
      if (got.length > 0) return got;
    }
    for (let s = 0; s < Math.min(2, shards) && held.length < takers.length; s++) {
      const shard = (first + s) % shards;
      const itemKey = slotItemKey(key, shard);
      const out = await this.db.send(new GetCommand({ TableName: this.table, Key: itemKey, ConsistentRead: true }));
      const leases = Array.isArray(out.Item?.leases) ? (out.Item.leases as number[]) : [];
      const free = leases.flatMap((lease, i) => (lease < now && !pool.mine.has(tag({ itemKey, i })) ? [i] : []));
      const wanted: number[] = [];
      while (free.length > 0 && wanted.length < takers.length - held.length) wanted.push(free.splice(Math.floor(this.random() * free.length), 1)[0] as number);
      if (wanted.length > 0) held.push(...(await this.own(pool, itemKey, wanted, shardSize(slots, shard), mine, now)));
    }
    if (held.length < takers.length) this.lastFull.set(key, now);
    return held;
  }

  /** Takes these slots of an item in one conditional write, marking them this process's first (callers here aim elsewhere). */
  private async own(pool: Pool, itemKey: ItemKey, slots: number[], size: number, mine: () => number, now: number): Promise<Held[]> {
    const held = slots.map((i) => ({ itemKey, i, mine: mine() }));
    for (const h of held) pool.mine.add(tag(h));
    let written = false;
    try {
      written = await this.write(itemKey, held, size, now);
      return written ? held : [];
    } finally {
      if (!written) for (const h of held) pool.mine.delete(tag(h));
    }
  }

  private async write(itemKey: ItemKey, held: Held[], size: number, now: number): Promise<boolean> {
    const values: Record<string, number> = { ':now': now, ':n': size };
    for (const h of held) values[`:m${h.i}`] = h.mine;
    try {
      await this.db.send(
        new UpdateCommand({
          TableName: this.table,
          Key: itemKey,
          UpdateExpression: `SET ${held.map((h) => `leases[${h.i}] = :m${h.i}`).join(', ')}`,
          ConditionExpression: `size(leases) = :n AND ${held.map((h) => `leases[${h.i}] < :now`).join(' AND ')}`,
          ExpressionAttributeValues: values,
        }),
      );
      return true;
    } catch (error) {
      if (isConditionFailure(error)) return false;
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

  /** Frees slots of one item in one write; if one was lost meanwhile, each of the others on its own. */
  private async freeSlots(slots: Held[]): Promise<void> {
    const [one] = slots;
    if (!one) return;
    const values: Record<string, number> = { ':free': 0 };
    for (const s of slots) values[`:m${s.i}`] = s.mine;
    try {
      await this.db.send(
        new UpdateCommand({
          TableName: this.table,
          Key: one.itemKey,
          UpdateExpression: `SET ${slots.map((s) => `leases[${s.i}] = :free`).join(', ')}`,
          ConditionExpression: slots.map((s) => `leases[${s.i}] = :m${s.i}`).join(' AND '),
          ExpressionAttributeValues: values,
        }),
      );
    } catch (error) {
      if (!isConditionFailure(error)) throw error;
      if (slots.length > 1) await Promise.all(slots.map((s) => this.freeSlots([s])));
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
