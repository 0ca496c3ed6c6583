// The three refusal classes (XSTest's): no refusal, a full refusal, a partial one (part of what was asked is done).
export const REFUSAL_CLASSES = ['none', 'full', 'partial'] as const;
export type RefusalClass = (typeof REFUSAL_CLASSES)[number];
