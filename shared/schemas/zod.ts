// zod/mini with zod's English messages: every schema imports zod from here. zod/mini is the tree-shakable functional
// API (a bundle carries only what it uses: tens of kB where classic `zod` is ~440 kB parsed at every cold start);
// classic `zod` sets the English locale on import, zod/mini leaves "Invalid input", so this sets it once.
import { config } from 'zod/mini';
import en from 'zod/v4/locales/en.js';

config(en());

export * from 'zod/mini';
