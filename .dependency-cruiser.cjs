// Layer rules (docs/design.md, "Architecture"): `npm run lint` fails when an arrow points the wrong way or a cycle appears.
/** @type {import('dependency-cruiser').IConfiguration} */
module.exports = {
  forbidden: [
    {
      name: 'no-cycles',
      severity: 'error',
      comment: 'Import cycles make layers meaningless and module init order fragile.',
      from: {},
      to: { circular: true },
    },
    {
      name: 'domain-is-pure',
      severity: 'error',
      comment:
        'shared/domain imports only itself, shared/schemas and pure libraries: zod, gpt-tokenizer, genai-prices, and the deterministic node:crypto (hashes), node:zlib (capture compression) and node:module (genai-prices loaded on first cost).',
      from: { path: '^shared/domain/' },
      to: {
        pathNot: ['^shared/domain/', '^shared/schemas/', '^node_modules/(zod|gpt-tokenizer|@pydantic/genai-prices)/', '^(node:)?(crypto|zlib|module)$'],
      },
    },
    {
      name: 'schemas-import-only-domain',
      severity: 'error',
      comment: 'shared/schemas imports only itself, the domain and zod.',
      from: { path: '^shared/schemas/' },
      to: { pathNot: ['^shared/schemas/', '^shared/domain/', '^node_modules/zod/'] },
    },
    {
      name: 'report-is-pure',
      severity: 'error',
      comment: 'shared/report renders plain data to an HTML string: it imports only itself, the domain and the schemas.',
      from: { path: '^shared/report/' },
      to: { pathNot: ['^shared/report/', '^shared/domain/', '^shared/schemas/'] },
    },
    {
      name: 'config-is-data',
      severity: 'error',
      comment: 'shared/config (catalog, settings) never imports use cases, adapters, runtime or ports.',
      from: { path: '^shared/config/' },
      to: { path: '^shared/(use-cases|adapters|runtime|ports)/' },
    },
    {
      name: 'ports-are-interfaces',
      severity: 'error',
      comment: 'shared/ports holds interfaces over domain records: it imports only domain, schemas and config types.',
      from: { path: '^shared/ports/' },
      to: { path: '^shared/(use-cases|adapters|runtime)/' },
    },
    {
      name: 'use-cases-through-ports',
      severity: 'error',
      comment: 'Use cases reach infrastructure only through ports; they never import adapters or the runtime wiring.',
      from: { path: '^shared/use-cases/' },
      to: { path: ['^shared/(adapters|runtime)/', '^node_modules/(@aws-sdk|portkey-ai|@aws-lambda-powertools)/'] },
    },
    {
      name: 'adapters-below-use-cases',
      severity: 'error',
      comment: 'Adapters implement ports; they never import use cases or the runtime.',
      from: { path: '^shared/adapters/' },
      to: { path: '^shared/(use-cases|runtime)/' },
    },
    {
      name: 'shared-stays-shared',
      severity: 'error',
      comment: 'Nothing in shared/ imports functions/, local/, cdk/, bench/ or test/.',
      from: { path: '^shared/' },
      to: { path: '^(functions|local|cdk|bench|test)/' },
    },
    {
      name: 'handlers-stay-thin',
      severity: 'error',
      comment: 'A handler imports use cases, schemas and its wiring, never an SDK or an adapter directly.',
      from: { path: '^functions/' },
      to: { path: ['^shared/adapters/', '^node_modules/(@aws-sdk|portkey-ai)/', '^(local|cdk|bench|test)/'] },
    },
    {
      name: 'not-to-unresolvable',
      severity: 'error',
      comment: 'Every import resolves (aws-lambda is a types-only package: @types/aws-lambda).',
      from: {},
      to: { couldNotResolve: true, pathNot: '^aws-lambda$' },
    },
  ],
  options: {
    doNotFollow: { path: 'node_modules' },
    exclude: { path: ['node_modules', 'cdk.out'] },
    tsPreCompilationDeps: true,
    tsConfig: { fileName: 'tsconfig.json' },
    enhancedResolveOptions: {
      exportsFields: ['exports'],
      conditionNames: ['import', 'require', 'node', 'default'],
      extensions: ['.ts', '.js', '.mjs', '.cjs', '.json'],
    },
    reporterOptions: { text: { highlightFocused: true } },
  },
};
