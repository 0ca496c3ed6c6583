// The protocol-compatible stand-ins for DynamoDB (dynalite) and SQS (fauxqs), configured from the synthesized template.

import type http from 'node:http';
import { createRequire } from 'node:module';
import type { AddressInfo } from 'node:net';
import { CreateTableCommand, type CreateTableCommandInput, DescribeTableCommand, DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { CreateQueueCommand, GetQueueAttributesCommand, SQSClient } from '@aws-sdk/client-sqs';
import { type FauxqsServer, startFauxqs } from 'fauxqs';
import { LOCAL_CREDENTIALS, LOCAL_REGION } from './names.js';
import type { Template } from './synth.js';

const require = createRequire(import.meta.url);
const dynalite = require('dynalite') as (options: { path?: string; createTableMs?: number; deleteTableMs?: number; updateTableMs?: number }) => http.Server;

export { LOCAL_CREDENTIALS, LOCAL_REGION };

export type Dynalite = { endpoint: string; stop(): Promise<void> };

export async function startDynalite(options: { path?: string } = {}): Promise<Dynalite> {
  const server = dynalite({ path: options.path, createTableMs: 0, deleteTableMs: 0, updateTableMs: 0 });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as AddressInfo).port;
  return {
    endpoint: `http://127.0.0.1:${port}`,
    stop: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

type TableProps = Pick<CreateTableCommandInput, 'KeySchema' | 'AttributeDefinitions' | 'GlobalSecondaryIndexes'>;

/** The table's keys and indexes exactly as the stateful stack declares them. */
export function tableShapeFrom(template: Template): TableProps {
  const table = Object.values(template.Resources).find((r) => r.Type === 'AWS::DynamoDB::GlobalTable' || r.Type === 'AWS::DynamoDB::Table');
  if (!table?.Properties) throw new Error('no DynamoDB table in the stateful template');
  const p = table.Properties as {
    KeySchema: TableProps['KeySchema'];
    AttributeDefinitions: TableProps['AttributeDefinitions'];
    GlobalSecondaryIndexes?: { IndexName: string; KeySchema: unknown; Projection: unknown }[];
  };
  return {
    KeySchema: p.KeySchema,
    AttributeDefinitions: p.AttributeDefinitions,
    GlobalSecondaryIndexes: p.GlobalSecondaryIndexes?.map((g) => ({
      IndexName: g.IndexName,
      KeySchema: g.KeySchema,
      Projection: g.Projection,
    })) as TableProps['GlobalSecondaryIndexes'],
  };
}

export async function createTable(endpoint: string, tableName: string, shape: TableProps): Promise<void> {
  const ddb = new DynamoDBClient({ region: LOCAL_REGION, endpoint, credentials: LOCAL_CREDENTIALS });
  try {
    await ddb.send(new CreateTableCommand({ TableName: tableName, BillingMode: 'PAY_PER_REQUEST', ...shape }));
  } catch (error) {
    if (!(error instanceof Error && error.name === 'ResourceInUseException')) throw error;
  }
  for (let i = 0; i < 50; i++) {
    const out = await ddb.send(new DescribeTableCommand({ TableName: tableName }));
    if (out.Table?.TableStatus === 'ACTIVE') break;
    await new Promise((r) => setTimeout(r, 20));
  }
  ddb.destroy();
}

export type LocalQueues = { endpoint: string; queueUrl: string; dlqUrl: string; server: FauxqsServer; stop(): Promise<void> };

/** The work queue and its DLQ, with the template's redrive count; visibility may be shortened for tests. */
export async function startQueues(options: { maxReceiveCount: number; visibilityTimeoutSeconds: number }): Promise<LocalQueues> {
  const server = await startFauxqs({ port: 0, host: '127.0.0.1', logger: false });
  const endpoint = `http://127.0.0.1:${server.port}`;
  const sqs = new SQSClient({ region: LOCAL_REGION, endpoint, credentials: LOCAL_CREDENTIALS });
  const dlq = await sqs.send(new CreateQueueCommand({ QueueName: 'switchyard-work-dlq' }));
  const dlqArn = (await sqs.send(new GetQueueAttributesCommand({ QueueUrl: dlq.QueueUrl, AttributeNames: ['QueueArn'] }))).Attributes?.QueueArn;
  const queue = await sqs.send(
    new CreateQueueCommand({
      QueueName: 'switchyard-work',
      Attributes: {
        VisibilityTimeout: String(options.visibilityTimeoutSeconds),
        RedrivePolicy: JSON.stringify({ deadLetterTargetArn: dlqArn, maxReceiveCount: options.maxReceiveCount }),
      },
    }),
  );
  sqs.destroy();
  return { endpoint, queueUrl: queue.QueueUrl!, dlqUrl: dlq.QueueUrl!, server, stop: () => server.stop() };
}

/** The redrive count the stateful stack sets on the work queue. */
export function maxReceiveCountFrom(template: Template): number {
  const queue = Object.values(template.Resources).find(
    (r) => r.Type === 'AWS::SQS::Queue' && (r.Properties as { RedrivePolicy?: unknown } | undefined)?.RedrivePolicy,
  );
  const policy = (queue?.Properties as { RedrivePolicy?: { maxReceiveCount?: number } } | undefined)?.RedrivePolicy;
  if (!policy?.maxReceiveCount) throw new Error('work queue without a redrive policy in the stateful template');
  return policy.maxReceiveCount;
}
