// Counts DynamoDB round trips made inside a marked async context (e.g. the worker's invocations), by command, with
// failed conditional writes apart: every AWS SDK client's send goes through one shared base `send`, patched here.
import { AsyncLocalStorage } from 'node:async_hooks';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';

const READS = new Set(['GetCommand', 'GetItemCommand', 'BatchGetCommand', 'BatchGetItemCommand', 'QueryCommand', 'ScanCommand', 'TransactGetItemsCommand']);
const WRITES = new Set([
  'PutCommand',
  'PutItemCommand',
  'UpdateCommand',
  'UpdateItemCommand',
  'DeleteCommand',
  'DeleteItemCommand',
  'BatchWriteCommand',
  'BatchWriteItemCommand',
  'TransactWriteCommand',
  'TransactWriteItemsCommand',
]);

export type DynamoCounts = {
  reads: number;
  writes: number;
  failedConditionalWrites: number;
  byCommand: Record<string, number>;
  /** failed conditional writes by the kind of item (partition key up to its first `#`, sort key likewise) */
  failedByItem: Record<string, number>;
  /** writes by the kind of item, likewise */
  writesByItem: Record<string, number>;
};

const itemKind = (command: object): string => {
  const key = (command as { input?: { Key?: { pk?: unknown; sk?: unknown } } }).input?.Key;
  const head = (v: unknown) => (typeof v === 'string' ? (v.split('#')[0] ?? '') : '?');
  const pk = typeof key?.pk === 'string' ? key.pk : '';
  // run items are T#<tenant>#RUN#<run>: name them by their sort key
  return `${head(pk)}/${head(key?.sk)}`;
};

export function countDynamoCalls(): { within<T>(fn: () => Promise<T>): Promise<T>; counts: DynamoCounts; reset(): void } {
  const scope = new AsyncLocalStorage<true>();
  const counts: DynamoCounts = { reads: 0, writes: 0, failedConditionalWrites: 0, byCommand: {}, failedByItem: {}, writesByItem: {} };
  const base = Object.getPrototypeOf(DynamoDBDocumentClient.prototype) as { send: (this: unknown, command: object, ...rest: unknown[]) => Promise<unknown> };
  const send = base.send;
  base.send = async function (this: unknown, command: object, ...rest: unknown[]) {
    const name = command.constructor.name;
    const counted = scope.getStore() === true && (READS.has(name) || WRITES.has(name));
    if (counted) {
      counts.byCommand[name] = (counts.byCommand[name] ?? 0) + 1;
      if (READS.has(name)) counts.reads++;
      else {
        counts.writes++;
        const kind = itemKind(command);
        counts.writesByItem[kind] = (counts.writesByItem[kind] ?? 0) + 1;
      }
    }
    try {
      return await send.call(this, command, ...rest);
    } catch (error) {
      if (counted && (error as { name?: string }).name === 'ConditionalCheckFailedException') {
        counts.failedConditionalWrites++;
        const kind = itemKind(command);
        counts.failedByItem[kind] = (counts.failedByItem[kind] ?? 0) + 1;
      }
      throw error;
    }
  };
  return {
    within: (fn) => scope.run(true, fn),
    counts,
    reset() {
      Object.assign(counts, { reads: 0, writes: 0, failedConditionalWrites: 0, byCommand: {}, failedByItem: {}, writesByItem: {} });
    },
  };
}
