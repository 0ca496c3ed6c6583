import { type DynamoDBDocumentClient, GetCommand, PutCommand } from '@aws-sdk/lib-dynamodb';
import type { TokenStore } from '../../ports/index.js';
import { keys } from './keys.js';

/** API tokens, stored only as their SHA-256 hash. */
export class DynamoTokenStore implements TokenStore {
  constructor(
    private readonly db: DynamoDBDocumentClient,
    private readonly table: string,
  ) {}

  async put(tokenHash: string, tenantId: string, label: string): Promise<void> {
    await this.db.send(
      new PutCommand({
        TableName: this.table,
        Item: { ...keys.token(tokenHash), tenant_id: tenantId, label, created_at: new Date().toISOString() },
        ConditionExpression: 'attribute_not_exists(pk)',
      }),
    );
  }

  async findTenant(tokenHash: string): Promise<string | null> {
    const out = await this.db.send(new GetCommand({ TableName: this.table, Key: keys.token(tokenHash) }));
    const tenant = out.Item?.tenant_id;
    return typeof tenant === 'string' ? tenant : null;
  }
}
