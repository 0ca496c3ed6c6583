import { ChangeMessageVisibilityCommand, SendMessageBatchCommand, SQSClient } from '@aws-sdk/client-sqs';
import type { WorkQueue } from '../ports/index.js';
import type { WorkItem } from '../schemas/messages.js';

export type SqsConfig = { region: string; queueUrl: string; endpoint?: string; credentials?: { accessKeyId: string; secretAccessKey: string } };

/** Thrown when SQS refuses some entries of a batch after the SDK's own retries. */
export class EnqueueError extends Error {
  constructor(failed: number, cause?: unknown) {
    super(`SQS did not accept ${failed} work item(s)`, { cause });
    this.name = 'EnqueueError';
  }
}

export class SqsWorkQueue implements WorkQueue {
  private readonly sqs: SQSClient;
  constructor(private readonly config: SqsConfig) {
    this.sqs = new SQSClient({ region: config.region, endpoint: config.endpoint, credentials: config.credentials });
  }

  async enqueue(items: readonly WorkItem[], delaySeconds = 0): Promise<void> {
    const batches: WorkItem[][] = [];
    for (let i = 0; i < items.length; i += 10) batches.push(items.slice(i, i + 10));
    const parallel = 8;
    for (let i = 0; i < batches.length; i += parallel) {
      await Promise.all(batches.slice(i, i + parallel).map((batch) => this.sendBatch(batch, delaySeconds)));
    }
  }

  private async sendBatch(batch: WorkItem[], delaySeconds: number, attempt = 0): Promise<void> {
    const out = await this.sqs.send(
      new SendMessageBatchCommand({
        QueueUrl: this.config.queueUrl,
        Entries: batch.map((item, i) => ({
          Id: String(i),
          MessageBody: JSON.stringify(item),
          ...(delaySeconds > 0 ? { DelaySeconds: Math.min(900, Math.ceil(delaySeconds)) } : {}),
        })),
      }),
    );
    const failed = (out.Failed ?? []).map((f) => batch[Number(f.Id)]).filter((x): x is WorkItem => x !== undefined);
    if (failed.length === 0) return;
    if (attempt >= 3) throw new EnqueueError(failed.length, out.Failed);
    await this.sendBatch(failed, delaySeconds, attempt + 1);
  }

  async delay(receiptHandle: string, seconds: number): Promise<void> {
    await this.sqs.send(
      new ChangeMessageVisibilityCommand({
        QueueUrl: this.config.queueUrl,
        ReceiptHandle: receiptHandle,
        VisibilityTimeout: Math.max(0, Math.min(43_200, Math.round(seconds))),
      }),
    );
  }
}
