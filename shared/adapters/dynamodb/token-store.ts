import { BatchGetCommand, type DynamoDBDocumentClient, GetCommand, PutCommand, QueryCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import type { TokenRecord } from '../../domain/api-token.js';
import type { TokenStore } from '../../ports/index.js';
import { TokenItemSchema } from '../../schemas/stored.js';
import { CorruptItemError, isConditionFailure } from './client.js';
import { GSI_BY_OWNER, keys } from './keys.js';

/** How long DynamoDB keeps an expired token's item (TTL) so `token list` can still show it as expired. */
const KEEP_EXPIRED_SECONDS = 30 * 86_400;

function toRecord(raw: Record<string, unknown>): TokenRecord {
  const item = TokenItemSchema.safeParse(raw);
  if (!item.success) throw new CorruptItemError('token', item.error);
  const d = item.data;
  return {
    id: d.token_id,
    tenantId: d.tenant_id,
    label: d.label,
    scope: d.scope,
    secretHash: d.secret_hash,
    createdAt: d.created_at,
    expiresAt: d.token_expires_at,
    revokedAt: d.revoked_at,
  };
}

/** API tokens: the secret is never stored, only its SHA-256 hash. */
export class DynamoTokenStore implements TokenStore {
  constructor(
    private readonly db: DynamoDBDocumentClient,
    private readonly table: string,
  ) {}

  async put(r: TokenRecord): Promise<void> {
    await this.db.send(
      new PutCommand({
        TableName: this.table,
        Item: {
          ...keys.token(r.id),
          gsi2pk: keys.tokensPartition(r.tenantId),
          gsi2sk: `${r.createdAt}#${r.id}`,
          token_id: r.id,
          tenant_id: r.tenantId,
          label: r.label,
          scope: r.scope,
          secret_hash: r.secretHash,
          created_at: r.createdAt,
          // Absent rather than null: revoke's if_not_exists must see no revoked_at.
          ...(r.expiresAt ? { token_expires_at: r.expiresAt } : {}),
          ...(r.revokedAt ? { revoked_at: r.revokedAt } : {}),
          ...(r.expiresAt ? { expires_at: Math.floor(Date.parse(r.expiresAt) / 1000) + KEEP_EXPIRED_SECONDS } : {}),
        },
        ConditionExpression: 'attribute_not_exists(pk)',
      }),
    );
  }

  async get(id: string): Promise<TokenRecord | null> {
    const out = await this.db.send(new GetCommand({ TableName: this.table, Key: keys.token(id) }));
    return out.Item && 'token_id' in out.Item ? toRecord(out.Item) : null;
  }

  async list(tenantId: string): Promise<TokenRecord[]> {
    const found: Record<string, unknown>[] = [];
    let start: Record<string, unknown> | undefined;
    do {
      const page = await this.db.send(
        new QueryCommand({
          TableName: this.table,
          IndexName: GSI_BY_OWNER,
          KeyConditionExpression: 'gsi2pk = :pk',
          ExpressionAttributeValues: { ':pk': keys.tokensPartition(tenantId) },
          ProjectionExpression: 'pk, sk',
          ScanIndexForward: false,
          ExclusiveStartKey: start,
        }),
      );
      found.push(...(page.Items ?? []));
      start = page.LastEvaluatedKey;
    } while (start);
    // The index projects keys only for tokens: read the items themselves, 100 at a time.
    const records: TokenRecord[] = [];
    for (let i = 0; i < found.length; i += 100) {
      let request: Record<string, { Keys: Record<string, unknown>[] }> | undefined = {
        [this.table]: { Keys: found.slice(i, i + 100).map((k) => ({ pk: k.pk, sk: k.sk })) },
      };
      while (request && Object.keys(request).length > 0) {
        const out = await this.db.send(new BatchGetCommand({ RequestItems: request }));
        for (const item of out.Responses?.[this.table] ?? []) records.push(toRecord(item));
        request = out.UnprocessedKeys as typeof request;
      }
    }
    return records.sort((a, b) => (a.createdAt === b.createdAt ? b.id.localeCompare(a.id) : a.createdAt < b.createdAt ? 1 : -1));
  }

  async revoke(tenantId: string, id: string, at: string): Promise<boolean> {
    try {
      await this.db.send(
        new UpdateCommand({
          TableName: this.table,
          Key: keys.token(id),
          UpdateExpression: 'SET revoked_at = if_not_exists(revoked_at, :at)',
          ConditionExpression: 'tenant_id = :tenant AND attribute_exists(token_id)',
          ExpressionAttributeValues: { ':at': at, ':tenant': tenantId },
        }),
      );
      return true;
    } catch (error) {
      if (isConditionFailure(error)) return false;
      throw error;
    }
  }

  async findTenant(tokenHash: string): Promise<string | null> {
    const out = await this.db.send(new GetCommand({ TableName: this.table, Key: keys.token(tokenHash) }));
    const tenant = out.Item?.tenant_id;
    return typeof tenant === 'string' && !('token_id' in out.Item!) ? tenant : null;
  }
}
