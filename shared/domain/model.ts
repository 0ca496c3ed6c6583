// How Switchyard names a model and how it is routed and priced: the record every model call carries.
import { onFirstUse } from '../schemas/on-first-use.js';
import * as z from '../schemas/zod.js';

export const WIRE_FORMATS = ['openai', 'anthropic', 'cohere'] as const;

export const ModelSpecSchema = onFirstUse(() =>
  z.object({
    /** Switchyard's name for the model, used in API requests and records. */
    id: z.string(),
    /** Portkey provider slug (x-portkey-provider). */
    provider: z.string(),
    /** Model name sent to the provider. */
    apiModel: z.string(),
    /** genai-prices provider id and model id, or null when genai-prices has no price for it. */
    price: z.nullable(z.object({ providerId: z.string(), modelId: z.string() })),
    /** Wire format the provider speaks behind the gateway. */
    wire: z.enum(WIRE_FORMATS),
  }),
);
export type ModelSpec = z.infer<typeof ModelSpecSchema>;
