// Judge replies already paid for, one item per (tenant, hash of the judge call): a scheduled re-run that meets the same
// answer again reads the verdict instead of paying for it twice. Items expire with the table's retention.
import { type DynamoDBDocumentClient, GetCommand, PutCommand } from '@aws-sdk/lib-dynamodb';
import type { JudgeCache } from '../../ports/index.js';
import { keys } from './keys.js';

export class DynamoJudgeCache implements JudgeCache {
  constructor(
    private readonly db: DynamoDBDocumentClient,
    private readonly table: string,
    private readonly retentionDays: number,
    private readonly now: () => number = Date.now,
  ) {}

  async get(tenantId: string, key: string): Promise<string | null> {
    const out = await this.db.send(new GetCommand({ TableName: this.table, Key: keys.judgeReply(tenantId, key) }));
    const text = out.Item?.text;
    const expires = out.Item?.expires_at;
    // AWS deletes expired items within days, and dynalite never: an expired item is a miss.
    if (typeof text !== 'string' || (typeof expires === 'number' && expires * 1000 < this.now())) return null;
    return text;
  }

  async put(tenantId: string, key: string, text: string): Promise<void> {
    await this.db.send(
      new PutCommand({
        TableName: this.table,
        Item: { ...keys.judgeReply(tenantId, key), text, expires_at: Math.floor(this.now() / 1000) + this.retentionDays * 86_400 },
      }),
    );
  }
}
