// SQS (dead-letter queue) → an `error: dead_lettered` result per work item, so the run still terminates.
import { BatchProcessor, EventType, processPartialResponse } from '@aws-lambda-powertools/batch';
import type { Context, SQSBatchResponse, SQSEvent, SQSRecord } from 'aws-lambda';
import { fromEnvironment } from '../../shared/runtime/lambda.js';
import { parseWorkItem } from '../../shared/runtime/sqs.js';
import { deadLetterWiring } from '../../shared/runtime/wiring/dead-letter.js';
import { type DeadLetterDeps, recordDeadLetter } from '../../shared/use-cases/dead-letter.js';

export function makeDeadLetterHandler(getDeps: () => Promise<DeadLetterDeps>) {
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

export const handler = makeDeadLetterHandler(fromEnvironment(deadLetterWiring));
