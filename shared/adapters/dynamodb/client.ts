// DynamoDB document client construction and the error check every store needs.
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';

export type DynamoConfig = { region: string; endpoint?: string; credentials?: { accessKeyId: string; secretAccessKey: string } };

export function createDocumentClient(config: DynamoConfig): DynamoDBDocumentClient {
  const client = new DynamoDBClient({ region: config.region, endpoint: config.endpoint, credentials: config.credentials, maxAttempts: 3 });
  return DynamoDBDocumentClient.from(client, {
    marshallOptions: { removeUndefinedValues: true, convertClassInstanceToMap: false },
  });
}

export function isConditionFailure(error: unknown): boolean {
  return error instanceof Error && error.name === 'ConditionalCheckFailedException';
}

/** Thrown when a stored item no longer matches its schema: a bug or a migration, never user input. */
export class CorruptItemError extends Error {
  constructor(what: string, cause: unknown) {
    super(`stored ${what} does not match its schema`, { cause });
    this.name = 'CorruptItemError';
  }
}
