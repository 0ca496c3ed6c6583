// The local event source mapping: long-polls the queue, invokes the worker with an SQS event,
// and deletes only the records the worker did not report as failed (ReportBatchItemFailures).
import { DeleteMessageBatchCommand, ReceiveMessageCommand, SQSClient } from '@aws-sdk/client-sqs';
import type { SQSBatchResponse, SQSEvent } from 'aws-lambda';
import { LOCAL_CREDENTIALS, LOCAL_REGION } from './emulators.js';

export type Poller = { stop(): Promise<void>; invocations: number };

export function startSqsPoller(options: {
  endpoint: string;
  queueUrl: string;
  handler: (event: SQSEvent) => Promise<SQSBatchResponse>;
  /** concurrent invocations, like the event source's maximum concurrency */
  concurrency: number;
  batchSize?: number;
  onError?: (error: unknown) => void;
}): Poller {
  const sqs = new SQSClient({ region: LOCAL_REGION, endpoint: options.endpoint, credentials: LOCAL_CREDENTIALS });
  let running = true;
  const state: Poller = { stop: async () => {}, invocations: 0 };
  const loop = async () => {
    while (running) {
      try {
        const out = await sqs.send(
          new ReceiveMessageCommand({
            QueueUrl: options.queueUrl,
            MaxNumberOfMessages: options.batchSize ?? 10,
            WaitTimeSeconds: 1,
            MessageSystemAttributeNames: ['ApproximateReceiveCount', 'SentTimestamp'],
          }),
        );
        const messages = out.Messages ?? [];
        if (messages.length === 0 || !running) continue;
        const event: SQSEvent = {
          Records: messages.map((m) => ({
            messageId: m.MessageId!,
            receiptHandle: m.ReceiptHandle!,
            body: m.Body ?? '',
            attributes: {
              ApproximateReceiveCount: m.Attributes?.ApproximateReceiveCount ?? '1',
              SentTimestamp: m.Attributes?.SentTimestamp ?? String(Date.now()),
              SenderId: 'local',
              ApproximateFirstReceiveTimestamp: String(Date.now()),
            },
            messageAttributes: {},
            md5OfBody: m.MD5OfBody ?? '',
            eventSource: 'aws:sqs',
            eventSourceARN: 'arn:aws:sqs:us-east-1:000000000000:switchyard-work',
            awsRegion: LOCAL_REGION,
          })),
        };
        state.invocations++;
        let failed: Set<string>;
        try {
          const response = await options.handler(event);
          failed = new Set(response.batchItemFailures.map((f) => f.itemIdentifier));
        } catch (error) {
          // A crashed invocation deletes nothing: every record comes back after its visibility timeout.
          options.onError?.(error);
          continue;
        }
        const done = event.Records.filter((r) => !failed.has(r.messageId));
        if (done.length > 0) {
          await sqs.send(
            new DeleteMessageBatchCommand({
              QueueUrl: options.queueUrl,
              Entries: done.map((r, i) => ({ Id: String(i), ReceiptHandle: r.receiptHandle })),
            }),
          );
        }
      } catch (error) {
        if (running) options.onError?.(error);
        await new Promise((r) => setTimeout(r, 100));
      }
    }
  };
  const loops = Array.from({ length: options.concurrency }, () => loop());
  state.stop = async () => {
    running = false;
    await Promise.all(loops);
    sqs.destroy();
  };
  return state;
}
