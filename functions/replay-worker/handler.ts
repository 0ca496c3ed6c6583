// SQS → one result per (run, capture, model). Partial batch failures: only the records to retry go back.

import { BatchProcessor, EventType, processPartialResponse } from '@aws-lambda-powertools/batch';
import type { Context, SQSBatchResponse, SQSEvent, SQSRecord } from 'aws-lambda';
import { fromEnvironment } from '../../shared/runtime/lambda.js';
import { parseWorkItem } from '../../shared/runtime/sqs.js';
import { workerWiring } from '../../shared/runtime/wiring/replay-worker.js';
import { endBatch, type ReplayWorkItemDeps, replayWorkItem } from '../../shared/use-cases/replay-work-item.js';
import { batchedTally } from '../../shared/use-cases/run-tally.js';

/** Marks a record as failed so SQS redelivers it after the visibility we set. */
export class RetryLaterError extends Error {
  constructor(messageId: string) {
    super(`work item ${messageId} will be retried`);
    this.name = 'RetryLaterError';
  }
}

export function makeWorkerHandler(getDeps: () => Promise<ReplayWorkItemDeps>) {
  return async (event: SQSEvent, context?: Context): Promise<SQSBatchResponse> => {
    const deps = await getDeps();
    const processor = new BatchProcessor(EventType.SQS);
    // The run counters of this batch, written once per run as it ends (a crash before that is recounted).
    const tally = batchedTally(deps.runs);
    const onRecord = async (record: SQSRecord): Promise<string> => {
      const item = parseWorkItem(record.body);
      if (!item) {
        // A malformed message can never succeed: drop it (logged) rather than loop it into the DLQ.
        deps.log.error('work item is not valid; dropped', { messageId: record.messageId });
        return 'dropped';
      }
      const outcome = await replayWorkItem(
        deps,
        item,
        {
          receiveCount: Number(record.attributes.ApproximateReceiveCount ?? '1'),
          receiptHandle: record.receiptHandle,
        },
        tally,
      );
      // 'throttled' already queued a delayed copy: this delivery is done and is deleted.
      if (outcome === 'retry') throw new RetryLaterError(record.messageId);
      return outcome;
    };
    try {
      return await processPartialResponse(event, onRecord, processor, {
        context,
        throwOnFullBatchFailure: false,
        processInParallel: true,
      } as never);
    } finally {
      await endBatch(deps, tally);
    }
  };
}

export const handler = makeWorkerHandler(fromEnvironment(workerWiring));
