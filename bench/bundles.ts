// npm run bench:bundles — each function's bundle as CDK builds it: bytes, the largest packages inside, and the AWS
// SDK clients it imports from the Lambda runtime. Prints a table, then one JSON line last. Not part of npm test.
import { bundleFunction, FUNCTION_ENTRIES } from '../local/bundle.js';

const reports = [];
for (const entry of FUNCTION_ENTRIES) reports.push(await bundleFunction(entry));
const kb = (n: number) => `${(n / 1024).toFixed(0)} kB`;
for (const r of reports) {
  const top = Object.entries(r.packages)
    .sort((a, b) => b[1] - a[1])
    .slice(0, 4)
    .map(([p, b]) => `${p} ${kb(b)}`)
    .join(', ');
  process.stdout.write(
    `${r.name.padEnd(26)} ${kb(r.bytes).padStart(8)}  sdk: ${r.sdkClients.map((c) => c.replace('@aws-sdk/', '')).join(', ') || '—'}  |  ${top}\n`,
  );
}
process.stdout.write(
  `${JSON.stringify({
    functions: reports.map((r) => ({
      name: r.name,
      bytes: r.bytes,
      gpt_tokenizer: 'gpt-tokenizer' in r.packages,
      portkey_ai: 'portkey-ai' in r.packages,
      sdk_clients: r.sdkClients,
    })),
  })}\n`,
);
