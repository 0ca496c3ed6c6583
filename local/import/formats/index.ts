// The import formats: one mapper per format, registered here (the compiler checks every format has one).
import type { LineMapper } from './common.js';
import { mapLangfuseLine } from './langfuse.js';
import { mapOpenAiLine } from './openai.js';
import { mapPortkeyLine } from './portkey.js';
import { mapSwitchyardLine } from './switchyard.js';

export const IMPORT_FORMATS = ['openai', 'portkey', 'langfuse', 'switchyard'] as const;
export type ImportFormat = (typeof IMPORT_FORMATS)[number];

export const MAPPERS: Record<ImportFormat, LineMapper> = {
  openai: mapOpenAiLine,
  portkey: mapPortkeyLine,
  langfuse: mapLangfuseLine,
  switchyard: mapSwitchyardLine,
};

export const isImportFormat = (v: unknown): v is ImportFormat => typeof v === 'string' && (IMPORT_FORMATS as readonly string[]).includes(v);
