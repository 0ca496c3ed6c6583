// The provider limiter against dynalite: slots sharded 25 per item, handed over in-process without writes, and
// waiting (for a slot or a rate window) that costs no writes.
import { type DynamoDBDocumentClient, GetCommand } from '@aws-sdk/lib-dynamodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTable, type Dynalite, startDynalite } from '../../local/emulators.js';
import { createDocumentClient } from '../../shared/adapters/dynamodb/client.js';
import { DynamoLimiter, slotItemKey } from '../../shared/adapters/dynamodb/limiter.js';
import type { LimiterGrant } from '../../shared/ports/index.js';

const TABLE = 'limiter-test';
let dynamo: Dynalite;
let db: DynamoDBDocumentClient;

/** The real client, with every write it sends counted. */
function counted(): { db: DynamoDBDocumentClient; writes: () => number } {
  const client = createDocumentClient({ region: 'us-east-1', endpoint: dynamo.endpoint, credentials: { accessKeyId: 'x', secretAccessKey: 'x' } });
  let writes = 0;
  const send = client.send.bind(client) as (command: object) => Promise<unknown>;
  (client as unknown as { send: (command: object) => Promise<unknown> }).send = (command: object) => {
    if (command.constructor.name === 'UpdateCommand') writes++;
    return send(command);
  };
  return { db: client, writes: () => writes };
}

beforeAll(async () => {
  dynamo = await startDynalite();
  await createTable(dynamo.endpoint, TABLE, {
    KeySchema: [
      { AttributeName: 'pk', KeyType: 'HASH' },
      { AttributeName: 'sk', KeyType: 'RANGE' },
    ],
    AttributeDefinitions: [
      { AttributeName: 'pk', AttributeType: 'S' },
      { AttributeName: 'sk', AttributeType: 'S' },
    ],
  } as never);
  db = counted().db;
});
afterAll(async () => {
  await dynamo?.stop();
});

const granted = (grants: LimiterGrant[]) => grants.filter((g): g is Extract<LimiterGrant, { ok: true }> => g.ok);

describe('DynamoLimiter', () => {
  it('spreads 30 slots over two items and never admits more than 30 across two processes', async () => {
    const a = new DynamoLimiter(db, TABLE, 50);
    const b = new DynamoLimiter(counted().db, TABLE, 50);
    const limit = { maxConcurrency: 30 };
    const grants = await Promise.all(Array.from({ length: 40 }, (_, i) => (i % 2 ? a : b).acquire('shards', limit, 10, 60_000, Date.now())));
    const ok = granted(grants);
    expect(ok.length).toBeLessThanOrEqual(30);
    const leases = await Promise.all(
      [0, 1].map(async (n) => (await db.send(new GetCommand({ TableName: TABLE, Key: slotItemKey('shards', n) }))).Item?.leases as number[]),
    );
    expect(leases.map((l) => l.length)).toEqual([25, 5]);
    const taken = leases.flat().filter((l) => l > Date.now()).length;
    expect(taken).toBe(ok.length);
    await Promise.all(ok.map((g) => g.release()));
    const after = await Promise.all(
      [0, 1].map(async (n) => (await db.send(new GetCommand({ TableName: TABLE, Key: slotItemKey('shards', n) }))).Item?.leases as number[]),
    );
    expect(after.flat().filter((l) => l > Date.now())).toEqual([]);
  });

  it('hands a slot to a caller waiting in the same process without writing', async () => {
    const { db: mine, writes } = counted();
    const limiter = new DynamoLimiter(mine, TABLE, 5_000);
    const limit = { maxConcurrency: 1 };
    const first = await limiter.acquire('handover', limit, 10, 60_000, Date.now());
    expect(first.ok).toBe(true);
    const waiting = limiter.acquire('handover', limit, 10, 60_000, Date.now());
    await new Promise((r) => setTimeout(r, 50));
    const before = writes();
    if (first.ok) await first.release();
    const second = await waiting;
    expect(second.ok).toBe(true);
    expect(writes()).toBe(before);
    // Another process still finds the slot taken.
    const other = await new DynamoLimiter(counted().db, TABLE, 20).acquire('handover', limit, 10, 60_000, Date.now());
    expect(other.ok).toBe(false);
    if (second.ok) await second.release();
    expect(writes()).toBe(before + 1);
    const again = await new DynamoLimiter(counted().db, TABLE, 20).acquire('handover', limit, 10, 60_000, Date.now());
    expect(again.ok).toBe(true);
  });

  it('keeps a freed slot idle here for a moment: the next caller takes it with no write, others see it taken', async () => {
    const { db: mine, writes } = counted();
    const limiter = new DynamoLimiter(mine, TABLE, 20, Math.random, 300);
    const limit = { maxConcurrency: 2 };
    const first = await limiter.acquire('linger', limit, 10, 60_000, Date.now());
    const second = await limiter.acquire('linger', limit, 10, 60_000, Date.now());
    expect(first.ok && second.ok).toBe(true);
    if (first.ok) await first.release();
    if (second.ok) await second.release();
    const before = writes();
    const again = await limiter.acquire('linger', limit, 10, 60_000, Date.now());
    expect(again.ok).toBe(true);
    expect(writes()).toBe(before);
    if (again.ok) await again.release();
    // Idle here, still taken in DynamoDB: another process finds no slot.
    expect((await new DynamoLimiter(counted().db, TABLE, 20).acquire('linger', limit, 10, 60_000, Date.now())).ok).toBe(false);
    // Unused for the linger, both idle slots are freed in one write.
    await new Promise((r) => setTimeout(r, 500));
    expect(writes()).toBe(before + 1);
    const other = new DynamoLimiter(counted().db, TABLE, 20);
    const both = await Promise.all([other.acquire('linger', limit, 10, 60_000, Date.now()), other.acquire('linger', limit, 10, 60_000, Date.now())]);
    expect(both.every((g) => g.ok)).toBe(true);
  });

  it('takes the slots of callers arriving together in one write, after one read', async () => {
    const { db: mine, writes } = counted();
    const limiter = new DynamoLimiter(mine, TABLE, 20);
    const limit = { maxConcurrency: 10 };
    // The first caller sets the item up.
    expect((await limiter.acquire('together', limit, 10, 60_000, Date.now())).ok).toBe(true);
    const before = writes();
    const grants = await Promise.all(Array.from({ length: 6 }, () => limiter.acquire('together', limit, 10, 60_000, Date.now())));
    expect(granted(grants)).toHaveLength(6);
    expect(writes()).toBe(before + 1);
    const leases = (await db.send(new GetCommand({ TableName: TABLE, Key: slotItemKey('together', 0) }))).Item?.leases as number[];
    expect(leases.filter((l) => l > Date.now())).toHaveLength(7);
  });

  it('counts the requests of callers arriving together in one write, and admits only as many as the window holds', async () => {
    const { db: mine, writes } = counted();
    const limiter = new DynamoLimiter(mine, TABLE);
    const now = Date.now();
    const grants = await Promise.all(Array.from({ length: 3 }, () => limiter.acquire('rpm-together', { rpm: 5 }, 10, 60_000, now)));
    expect(granted(grants)).toHaveLength(3);
    expect(writes()).toBe(1);
    // Room for two of the next four: one write refused, one read, one write for the two.
    const next = await Promise.all(Array.from({ length: 4 }, () => limiter.acquire('rpm-together', { rpm: 5 }, 10, 60_000, now)));
    expect(granted(next)).toHaveLength(2);
    expect(writes()).toBe(3);
  });

  it('tells a caller with no slot anywhere when to come back, and a second try soon after costs no write', async () => {
    const holder = new DynamoLimiter(counted().db, TABLE, 20);
    const held = await holder.acquire('busy', { maxConcurrency: 1 }, 10, 60_000, Date.now());
    expect(held.ok).toBe(true);
    const { db: mine, writes } = counted();
    const limiter = new DynamoLimiter(mine, TABLE, 20);
    const refused = await limiter.acquire('busy', { maxConcurrency: 1 }, 10, 60_000, Date.now());
    expect(refused).toMatchObject({ ok: false });
    if (!refused.ok) expect(refused.retryInMs).toBeGreaterThanOrEqual(1_000);
    const spent = writes();
    expect(spent).toBeLessThanOrEqual(2); // set-up of the item + one blind take
    expect((await limiter.acquire('busy', { maxConcurrency: 1 }, 10, 60_000, Date.now())).ok).toBe(false);
    expect(writes()).toBe(spent);
  });

  it('remembers a full rate window: refused callers write to it once, then not again until it ends', async () => {
    const { db: mine, writes } = counted();
    const limiter = new DynamoLimiter(mine, TABLE);
    const now = Date.now();
    const limit = { rpm: 2 };
    expect((await limiter.acquire('rpm', limit, 10, 60_000, now)).ok).toBe(true);
    expect((await limiter.acquire('rpm', limit, 10, 60_000, now)).ok).toBe(true);
    const third = await limiter.acquire('rpm', limit, 10, 60_000, now);
    expect(third.ok).toBe(false);
    const spent = writes();
    expect(spent).toBe(3);
    expect((await limiter.acquire('rpm', limit, 10, 60_000, now)).ok).toBe(false);
    expect(writes()).toBe(spent);
    // The next window admits again.
    expect((await limiter.acquire('rpm', limit, 10, 60_000, now + 60_000)).ok).toBe(true);
  });
});
