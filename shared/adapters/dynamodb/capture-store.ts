import { type DynamoDBDocumentClient, GetCommand, PutCommand, QueryCommand } from '@aws-sdk/lib-dynamodb';
import type { CaptureFilter, CapturePage, CaptureQuery, CaptureRef, StoredCapture } from '../../domain/capture.js';
import { decodeCaptureBody, encodeCaptureBody } from '../../domain/capture.js';
import type { CapturePutResult, CaptureStore } from '../../ports/index.js';
import { CaptureBodySchema, CaptureItemSchema, CaptureRefItemSchema } from '../../schemas/stored.js';
import { CorruptItemError, isConditionFailure } from './client.js';
import { CAPTURE_SHARDS, GSI_BY_OWNER, GSI_BY_TIME, keys } from './keys.js';

/** Newest first, ties by id descending: the byte order of the index's `captured_at#id` sort key, so cursors agree. */
const newestFirst = (a: { captured_at: string; id: string }, b: { captured_at: string; id: string }): number => {
  const ka = `${a.captured_at}#${a.id}`;
  const kb = `${b.captured_at}#${b.id}`;
  return ka < kb ? 1 : ka > kb ? -1 : 0;
};

/** Query pages one partition may read for one browsing request before the page ends early (bounded latency). */
const MAX_READS_PER_PARTITION = 5;

export class DynamoCaptureStore implements CaptureStore {
  constructor(
    private readonly db: DynamoDBDocumentClient,
    private readonly table: string,
    private readonly retentionDays: number,
  ) {}

  async put(tenantId: string, c: StoredCapture): Promise<CapturePutResult> {
    const key = keys.capture(tenantId, c.id);
    try {
      await this.db.send(
        new PutCommand({
          TableName: this.table,
          Item: {
            ...key,
            gsi1pk: key.pk,
            gsi1sk: keys.captureTimeSort(c.captured_at, c.id),
            tenant_id: tenantId,
            id: c.id,
            model: c.model,
            body: encodeCaptureBody({ messages: c.messages, completion: c.completion }),
            usage: c.usage,
            latency_ms: c.latency_ms,
            tags: c.tags,
            conversation_id: c.conversation_id,
            user: c.user,
            metadata: c.metadata,
            ...(c.content_hash ? { content_hash: c.content_hash } : {}),
            ...(c.user ? { gsi2pk: keys.userPartition(tenantId, c.user), gsi2sk: keys.captureTimeSort(c.captured_at, c.id) } : {}),
            captured_at: c.captured_at,
            expires_at: Math.floor(Date.parse(c.captured_at) / 1000) + this.retentionDays * 86_400,
          },
          ConditionExpression: 'attribute_not_exists(pk)',
        }),
      );
      return { status: 'stored' };
    } catch (error) {
      if (!isConditionFailure(error)) throw error;
    }
    // Taken: the same content is a duplicate; different content is a conflict the client must hear about.
    const out = await this.db.send(new GetCommand({ TableName: this.table, Key: key, ProjectionExpression: 'content_hash', ConsistentRead: true }));
    const stored = out.Item?.content_hash;
    if (typeof stored === 'string' && c.content_hash && stored !== c.content_hash) return { status: 'conflict', stored_hash: stored };
    return { status: 'duplicate' };
  }

  async get(tenantId: string, id: string): Promise<StoredCapture | null> {
    const out = await this.db.send(new GetCommand({ TableName: this.table, Key: keys.capture(tenantId, id), ConsistentRead: true }));
    if (!out.Item) return null;
    const item = CaptureItemSchema.safeParse(out.Item);
    if (!item.success) throw new CorruptItemError('capture', item.error);
    const body = CaptureBodySchema.safeParse(decodeCaptureBody(item.data.body));
    if (!body.success) throw new CorruptItemError('capture body', body.error);
    return {
      id: item.data.id,
      model: item.data.model,
      messages: body.data.messages,
      completion: body.data.completion,
      usage: item.data.usage,
      latency_ms: item.data.latency_ms,
      tags: item.data.tags,
      conversation_id: item.data.conversation_id,
      user: item.data.user,
      metadata: item.data.metadata,
      captured_at: item.data.captured_at,
      ...(item.data.content_hash ? { content_hash: item.data.content_hash } : {}),
    };
  }

  async list(tenantId: string, filter: CaptureFilter): Promise<CaptureRef[]> {
    const perShard = await Promise.all(Array.from({ length: CAPTURE_SHARDS }, (_, shard) => this.listShard(keys.capturePartition(tenantId, shard), filter)));
    // Replay selection keeps its historical tie order (ids ascending) so a selection never changes under a run.
    return perShard
      .flat()
      .sort((a, b) => (a.captured_at === b.captured_at ? a.id.localeCompare(b.id) : a.captured_at < b.captured_at ? 1 : -1))
      .slice(0, filter.limit);
  }

  private async listShard(pk: string, filter: CaptureFilter): Promise<CaptureRef[]> {
    const found: CaptureRef[] = [];
    let start: Record<string, unknown> | undefined;
    const lo = filter.from ?? '0000';
    const hi = `${filter.to ?? '9999'}#\uffff`;
    do {
      const out = await this.db.send(
        new QueryCommand({
          TableName: this.table,
          IndexName: GSI_BY_TIME,
          KeyConditionExpression: 'gsi1pk = :pk AND gsi1sk BETWEEN :lo AND :hi',
          ExpressionAttributeValues: { ':pk': pk, ':lo': lo, ':hi': hi },
          ProjectionExpression: 'id, model, captured_at, tags',
          ScanIndexForward: false,
          ExclusiveStartKey: start,
          Limit: Math.min(1000, filter.limit * 2),
        }),
      );
      for (const raw of out.Items ?? []) {
        const item = CaptureRefItemSchema.safeParse(raw);
        if (!item.success) throw new CorruptItemError('capture ref', item.error);
        const tags = item.data.tags;
        if (filter.tags && !Object.entries(filter.tags).every(([k, v]) => tags[k] === v)) continue;
        found.push({ id: item.data.id, model: item.data.model, captured_at: item.data.captured_at, tags });
        if (found.length >= filter.limit) return found;
      }
      start = out.LastEvaluatedKey;
    } while (start);
    return found;
  }

  /**
   * Browsing, newest first, a page at a time. With a user: that user's partition of gsi2 (one query). Otherwise the
   * 16 shards of gsi1 (the time index) in parallel, merged. Model and tags are filter expressions on the index's
   * projected attributes; `after` is the last item of the previous page (keyset pagination: sort keys are unique).
   */
  async page(tenantId: string, q: CaptureQuery): Promise<CapturePage> {
    const partitions = q.user
      ? [{ index: GSI_BY_OWNER, pkName: 'gsi2pk', skName: 'gsi2sk', pk: keys.userPartition(tenantId, q.user) }]
      : Array.from({ length: CAPTURE_SHARDS }, (_, shard) => ({
          index: GSI_BY_TIME,
          pkName: 'gsi1pk',
          skName: 'gsi1sk',
          pk: keys.capturePartition(tenantId, shard),
        }));
    const perPartition = await Promise.all(partitions.map((p) => this.queryPartition(p, q, q.limit + 1)));
    // A partition that stopped at its read cap (a rare filter) has not looked below where it stopped: the page ends
    // there, and `next` goes on from there, so nothing is skipped.
    const stops = perPartition.map((r) => r.stoppedAt).filter((s): s is string => s !== null);
    // The newest stop wins; sort keys are strings (byte order), so no Math.max here.
    const boundary = stops.length ? ([...stops].sort().at(-1) ?? null) : null;
    const merged = perPartition
      .flatMap((r) => r.items)
      .filter((i) => boundary === null || keys.captureTimeSort(i.captured_at, i.id) >= boundary)
      .sort(newestFirst);
    const items = merged.slice(0, q.limit);
    const last = items[items.length - 1];
    if (merged.length > q.limit && last) return { items, next: { captured_at: last.captured_at, id: last.id } };
    if (boundary !== null) {
      const cut = boundary.indexOf('#');
      return { items, next: { captured_at: boundary.slice(0, cut), id: boundary.slice(cut + 1) } };
    }
    return { items, next: null };
  }

  private async queryPartition(
    p: { index: string; pkName: string; skName: string; pk: string },
    q: CaptureQuery,
    want: number,
  ): Promise<{ items: CapturePage['items']; stoppedAt: string | null }> {
    const found: CapturePage['items'] = [];
    const lo = q.from ?? '0000';
    const hi = q.after ? keys.captureTimeSort(q.after.captured_at, q.after.id) : `${q.to ?? '9999'}#\uffff`;
    // DynamoDB rejects BETWEEN with its bounds reversed: nothing can match, so the page is empty.
    if (hi < lo) return { items: found, stoppedAt: null };
    const filters: string[] = [];
    const names: Record<string, string> = { '#pk': p.pkName, '#sk': p.skName };
    const values: Record<string, unknown> = { ':pk': p.pk, ':lo': lo, ':hi': hi };
    if (q.model) {
      filters.push('#model = :model');
      names['#model'] = 'model';
      values[':model'] = q.model;
    }
    for (const [i, [k, v]] of Object.entries(q.tags ?? {}).entries()) {
      filters.push(`#tags.#t${i} = :t${i}`);
      names['#tags'] = 'tags';
      names[`#t${i}`] = k;
      values[`:t${i}`] = v;
    }
    let start: Record<string, unknown> | undefined;
    let reads = 0;
    do {
      const out = await this.db.send(
        new QueryCommand({
          TableName: this.table,
          IndexName: p.index,
          // BETWEEN includes its upper end: the cursor item itself is dropped below.
          KeyConditionExpression: '#pk = :pk AND #sk BETWEEN :lo AND :hi',
          FilterExpression: filters.length ? filters.join(' AND ') : undefined,
          ExpressionAttributeNames: names,
          ExpressionAttributeValues: values,
          ScanIndexForward: false,
          ExclusiveStartKey: start,
          Limit: Math.min(1000, want * 2),
        }),
      );
      for (const raw of out.Items ?? []) {
        const item = CaptureRefItemSchema.safeParse(raw);
        if (!item.success) throw new CorruptItemError('capture ref', item.error);
        if (q.after && item.data.captured_at === q.after.captured_at && item.data.id === q.after.id) continue;
        // The time index does not project `user` (an index's projection cannot change in place); the user index does.
        found.push({
          id: item.data.id,
          model: item.data.model,
          captured_at: item.data.captured_at,
          tags: item.data.tags,
          ...(p.index === GSI_BY_OWNER ? { user: item.data.user } : {}),
        });
        if (found.length >= want) return { items: found, stoppedAt: null };
      }
      start = out.LastEvaluatedKey;
      if (start && ++reads >= MAX_READS_PER_PARTITION) return { items: found, stoppedAt: String(start[p.skName]) };
    } while (start);
    return { items: found, stoppedAt: null };
  }
}
