// SQS (dead-letter queue) → an `error: dead_lettered` result per work item, so the run still terminates.
import { BatchProcessor, EventType, processPartialResponse } from '@aws-lambda-powertools/batch';
import type { Context, SQSBatchResponse, SQSEvent, SQSRecord } from 'aws-lambda';
import { parseWorkItem } from '../../shared/runtime/sqs.js';
import { recordDeadLetter } from '../../shared/use-cases/dead-letter.js';
import type { Deps } from '../../shared/use-cases/deps.js';
import { lazyDeps } from '../../shared/runtime/deps-from-env.js';

export function makeDeadLetterHandler(getDeps: () => Promise<Deps>) {
  return async (event: SQSEvent, context?: Context): Promise<SQSBatchResponse> => {
    const deps = await getDeps();
    const processor = new BatchProcessor(EventType.SQS);
    const onRecord = async (record: SQSRecord): Promise<string> => {
      const item = parseWorkItem(record.body);
      if (!item) return 'dropped';
      return recordDeadLetter(deps, item, Number(record.attributes.ApproximateReceiveCount ?? '0'));
    };
    return processPartialResponse(event, onRecord, processor, { context, throwOnFullBatchFailure: false } as never);
  };
}

export const handler = makeDeadLetterHandler(lazyDeps);
