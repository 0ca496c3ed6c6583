import { type DynamoDBDocumentClient, GetCommand, PutCommand } from '@aws-sdk/lib-dynamodb';
import { type BucketState, fullBucket, leaseSize, type RateLimit, take } from '../../domain/rate-limit.js';
import type { RateDecision, TenantRateLimiter } from '../../ports/index.js';
import { isConditionFailure } from './client.js';
import { keys } from './keys.js';

/** Leased tokens not spent within this time are dropped, so an idle container cannot save up a burst. */
const LEASE_MS = 1_000;
/** Optimistic writes before giving up on a contended bucket (the request is then told to retry in a second). */
const MAX_ATTEMPTS = 4;

type Lease = { left: number; until: number };
type Known = { state: BucketState; version: number } | null;

/**
 * The tenant's token bucket is one item (`tokens`, `at`, `version`), shared by every container. A container takes a
 * lease of a few tokens with one conditional write (optimistic on the version it last saw) and admits requests from
 * that lease in memory, so most requests cost no DynamoDB round trip at all.
 */
export class DynamoTenantRateLimiter implements TenantRateLimiter {
  private readonly leases = new Map<string, Lease>();
  private readonly known = new Map<string, Known>();
  private readonly pending = new Map<string, Promise<RateDecision>>();

  constructor(
    private readonly db: DynamoDBDocumentClient,
    private readonly table: string,
  ) {}

  async take(tenantId: string, limit: RateLimit, now: number): Promise<RateDecision> {
    for (;;) {
      const lease = this.leases.get(tenantId);
      if (lease && lease.left > 0 && lease.until > now) {
        lease.left -= 1;
        return { allowed: true };
      }
      // One lease request per tenant at a time: concurrent requests wait for it rather than each writing.
      const inFlight = this.pending.get(tenantId);
      if (inFlight) {
        const decision = await inFlight;
        if (!decision.allowed) return decision;
        continue;
      }
      const request = this.lease(tenantId, limit, now).finally(() => this.pending.delete(tenantId));
      this.pending.set(tenantId, request);
      const decision = await request;
      if (!decision.allowed) return decision;
    }
  }

  private async lease(tenantId: string, limit: RateLimit, now: number): Promise<RateDecision> {
    let known = this.known.get(tenantId) ?? (await this.read(tenantId));
    for (let attempt = 0; attempt < MAX_ATTEMPTS; attempt++) {
      const outcome = take(known?.state ?? fullBucket(limit, now), limit, leaseSize(limit), now);
      if (!outcome.ok) {
        this.known.set(tenantId, known);
        return { allowed: false, retryAfterSeconds: outcome.retryAfterSeconds };
      }
      const version = (known?.version ?? 0) + 1;
      try {
        await this.db.send(
          new PutCommand({
            TableName: this.table,
            // expires_at: an idle tenant's bucket is full again after a day anyway (TTL removes it).
            Item: { ...keys.rateBucket(tenantId), tokens: outcome.next.tokens, at: outcome.next.at, version, expires_at: Math.floor(now / 1000) + 86_400 },
            ConditionExpression: known ? 'version = :seen' : 'attribute_not_exists(pk)',
            ExpressionAttributeValues: known ? { ':seen': known.version } : undefined,
          }),
        );
        this.known.set(tenantId, { state: outcome.next, version });
        this.leases.set(tenantId, { left: outcome.granted, until: now + LEASE_MS });
        return { allowed: true };
      } catch (error) {
        if (!isConditionFailure(error)) throw error;
        // Another container took tokens since: read what it left and try again.
        known = await this.read(tenantId);
      }
    }
    return { allowed: false, retryAfterSeconds: 1 };
  }

  private async read(tenantId: string): Promise<Known> {
    const out = await this.db.send(new GetCommand({ TableName: this.table, Key: keys.rateBucket(tenantId), ConsistentRead: true }));
    const item = out.Item;
    if (!item || typeof item.tokens !== 'number' || typeof item.at !== 'number' || typeof item.version !== 'number') return null;
    return { state: { tokens: item.tokens, at: item.at }, version: item.version };
  }
}
