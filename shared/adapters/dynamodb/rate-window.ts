// Requests and tokens per minute of a limit key: a counter item per fixed one-minute window (`LIMIT#<key>` /
// `WINDOW#<minute>`), incremented only while under the limit. Callers of one key in the same tick share one `ADD`; when
// the window has room for some of them only, one read finds how many and one more write counts those. A window found
// full is remembered until it ends, so callers in this process do not write to it again.
import { type DynamoDBDocumentClient, GetCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import type { ProviderLimit } from '../../domain/limits.js';
import { minuteWindow } from '../../domain/limits.js';
import { isConditionFailure } from './client.js';

type Caller = { tokens: number; resolve: (admitted: boolean) => void; reject: (error: unknown) => void };

export class RateWindows {
  constructor(
    private readonly db: DynamoDBDocumentClient,
    private readonly table: string,
  ) {}

  /** windows (per key) found full, and the fewest tokens a call asked for when it was refused */
  private readonly full = new Map<string, { window: number; tokens: number }>();
  /** callers of a key waiting for this tick's shared write */
  private readonly gathering = new Map<string, Caller[]>();

  /** False, without a write, when this window was found full for a call of at least these tokens. */
  knownFull(key: string, tokens: number, now: number): boolean {
    const full = this.full.get(key);
    return full !== undefined && full.window === minuteWindow(now) && tokens >= full.tokens;
  }

  /** Counts one request of `tokens` in the current window; false when it would pass the limit. */
  admit(key: string, limit: ProviderLimit, tokens: number, now: number): Promise<boolean> {
    if (this.knownFull(key, tokens, now)) return Promise.resolve(false);
    return new Promise((resolve, reject) => {
      const callers = this.gathering.get(key) ?? [];
      callers.push({ tokens, resolve, reject });
      if (callers.length > 1) return;
      this.gathering.set(key, callers);
      setImmediate(() => {
        this.gathering.delete(key);
        this.admitAll(key, limit, callers, now).catch((error) => {
          for (const c of callers) c.reject(error);
        });
      });
    });
  }

  private async admitAll(key: string, limit: ProviderLimit, callers: Caller[], now: number): Promise<void> {
    const window = minuteWindow(now);
    const sum = (cs: Caller[]) => cs.reduce((n, c) => n + c.tokens, 0);
    let admitted = (await this.count(key, limit, callers.length, sum(callers), window)) ? callers.length : 0;
    if (admitted === 0 && callers.length > 1) {
      // Room for some only: read what the window holds and count as many callers as fit, in order.
      const out = await this.db.send(new GetCommand({ TableName: this.table, Key: this.itemKey(key, window), ConsistentRead: true }));
      let requests = Number(out.Item?.requests ?? 0);
      let used = Number(out.Item?.tokens_used ?? 0);
      let fit = 0;
      for (const c of callers) {
        if ((limit.rpm !== undefined && requests + 1 > limit.rpm) || (limit.tpm !== undefined && used + c.tokens > limit.tpm)) break;
        requests++;
        used += c.tokens;
        fit++;
      }
      if (fit > 0 && (await this.count(key, limit, fit, sum(callers.slice(0, fit)), window))) admitted = fit;
    }
    if (admitted < callers.length) {
      const fewest = Math.min(...callers.slice(admitted).map((c) => c.tokens));
      const full = this.full.get(key);
      this.full.set(key, { window, tokens: full?.window === window ? Math.min(full.tokens, fewest) : fewest });
    }
    callers.forEach((c, i) => {
      c.resolve(i < admitted);
    });
  }

  private itemKey(key: string, window: number) {
    return { pk: `LIMIT#${key}`, sk: `WINDOW#${window}` };
  }

  /** One conditional `ADD` of `requests` requests and `tokens` tokens; false when the window has no room for them. */
  private async count(key: string, limit: ProviderLimit, requests: number, tokens: number, window: number): Promise<boolean> {
    const conditions: string[] = [];
    const values: Record<string, unknown> = { ':n': requests, ':tokens': tokens, ':exp': Math.floor(window / 1000) + 180 };
    if (limit.rpm !== undefined) {
      if (requests > limit.rpm) return false;
      conditions.push('(attribute_not_exists(requests) OR requests <= :rroom)');
      values[':rroom'] = limit.rpm - requests;
    }
    if (limit.tpm !== undefined) {
      if (tokens > limit.tpm) return false;
      conditions.push('(attribute_not_exists(tokens_used) OR tokens_used <= :troom)');
      values[':troom'] = limit.tpm - tokens;
    }
    try {
      await this.db.send(
        new UpdateCommand({
          TableName: this.table,
          Key: this.itemKey(key, window),
          UpdateExpression: 'ADD requests :n, tokens_used :tokens SET expires_at = :exp',
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
}
