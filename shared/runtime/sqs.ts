// Reading a work item from an SQS record body: null for anything that is not one (never retried: it cannot succeed).
import { type WorkItem, WorkItemSchema } from '../schemas/messages.js';

export function parseWorkItem(body: string): WorkItem | null {
  let raw: unknown;
  try {
    raw = JSON.parse(body);
  } catch {
    return null;
  }
  const parsed = WorkItemSchema.safeParse(raw);
  return parsed.success ? parsed.data : null;
}
