// The import formats' mappers: one line of another tool's export in, a capture (or a skip, or a rejection with its
// reason) out. Tool calls and non-text parts are rejected, never flattened.
import { describe, expect, it } from 'vitest';
import { isoTime, type MapOutcome, nonTextParts, safeId, TOOL_CALLS } from '../../../local/import/formats/common.js';
import { MAPPERS } from '../../../local/import/formats/index.js';
import { CaptureInputSchema } from '../../../shared/schemas/api.js';

const map = (format: keyof typeof MAPPERS, record: unknown): MapOutcome => MAPPERS[format](record, JSON.stringify(record));

function captured(outcome: MapOutcome) {
  if (outcome.kind !== 'capture') throw new Error(`expected a capture, got ${outcome.kind}: ${outcome.reason}`);
  expect(CaptureInputSchema.safeParse(outcome.capture).success).toBe(true);
  return outcome.capture;
}

const chat = (over: Record<string, unknown> = {}) => ({
  model: 'gpt-4o-mini',
  messages: [
    { role: 'system', content: 'You answer briefly.' },
    { role: 'user', content: 'Where is my order?' },
  ],
  ...over,
});
const completion = (message: Record<string, unknown> = { role: 'assistant', content: 'It shipped yesterday.' }, over: Record<string, unknown> = {}) => ({
  id: 'chatcmpl-abc123',
  object: 'chat.completion',
  created: 1_767_225_600,
  model: 'gpt-4o-mini-2024-07-18',
  choices: [{ index: 0, message, finish_reason: 'stop' }],
  usage: { prompt_tokens: 21, completion_tokens: 6, total_tokens: 27, prompt_tokens_details: { cached_tokens: 4 } },
  ...over,
});
const toolCall = { id: 'call_1', type: 'function', function: { name: 'track_order', arguments: '{"id":"42"}' } };
const image = { type: 'image_url', image_url: { url: 'https://example.com/cat.png' } };

describe('--format openai', () => {
  it('maps a request/response pair to a capture', () => {
    const c = captured(
      map('openai', {
        request: chat({ user: 'user-7', metadata: { feature: 'support' } }),
        response: completion(),
        metadata: { plan: 'pro', priority: 2, conversation_id: 'conv/9' },
      }),
    );
    expect(c).toEqual({
      id: 'openai:chatcmpl-abc123',
      model: 'gpt-4o-mini',
      messages: chat().messages,
      completion: 'It shipped yesterday.',
      usage: { prompt_tokens: 21, completion_tokens: 6, prompt_tokens_details: { cached_tokens: 4 } },
      tags: { source: 'openai' },
      metadata: { feature: 'support', plan: 'pro', priority: 2, conversation_id: 'conv/9', response_model: 'gpt-4o-mini-2024-07-18' },
      user: 'user-7',
      conversation_id: expect.stringMatching(/^conv_9-[0-9a-f]{16}$/),
      captured_at: '2026-01-01T00:00:00.000Z',
    });
  });

  it.each([
    ['the line', { user: 'line-user', request: chat({ user: 'req-user' }), metadata: { _user: 'meta-user' } }, 'line-user'],
    ['the request', { request: chat({ user: 'req-user' }), metadata: { _user: 'meta-user' } }, 'req-user'],
    ["Portkey's _user", { request: chat(), metadata: { _user: 'meta-user' } }, 'meta-user'],
  ])('takes the user from %s', (_, line, user) => {
    const c = captured(map('openai', { ...line, response: completion() }));
    expect(c.user).toBe(user);
    expect(c.metadata?._user).toBeUndefined();
  });

  it('keeps text-only content parts as parts, and reads created_at before the response time', () => {
    const parts = [
      { type: 'text', text: 'Summarise:' },
      { type: 'text', text: 'the meeting notes' },
    ];
    const c = captured(
      map('openai', { request: chat({ messages: [{ role: 'user', content: parts }] }), response: completion(), created_at: '2026-03-01T09:30:00+01:00' }),
    );
    expect(c.messages).toEqual([{ role: 'user', content: parts }]);
    expect(c.captured_at).toBe('2026-03-01T08:30:00.000Z');
  });

  it('answers with the refusal when the model refused', () => {
    const c = captured(map('openai', { request: chat(), response: completion({ role: 'assistant', content: null, refusal: 'I cannot help with that.' }) }));
    expect(c.completion).toBe('I cannot help with that.');
  });

  it("reads OpenAI's batch output wrapper", () => {
    expect(captured(map('openai', { request: chat(), response: { status_code: 200, body: completion() } })).completion).toBe('It shipped yesterday.');
    expect(map('openai', { request: chat(), response: { status_code: 429, body: { error: { message: 'slow down' } } } })).toEqual({
      kind: 'skip',
      reason: 'failed call (status 429)',
    });
  });

  it.each<[string, unknown, MapOutcome]>([
    ['a non-2xx status', { request: chat(), response: completion(), status: 500 }, { kind: 'skip', reason: 'failed call (status 500)' }],
    ['an error instead of a response', { request: chat(), error: { message: 'timeout' } }, { kind: 'skip', reason: 'failed call (error)' }],
    ['an error response', { request: chat(), response: { error: { message: 'bad' } } }, { kind: 'skip', reason: 'failed call (error response)' }],
    ['no choices', { request: chat(), response: completion(undefined, { choices: [] }) }, { kind: 'skip', reason: 'no choices in the response' }],
    [
      'tool calls in the request',
      { request: chat({ messages: [{ role: 'assistant', content: null, tool_calls: [toolCall] }] }), response: completion() },
      { kind: 'reject', reason: TOOL_CALLS },
    ],
    [
      'a tool message',
      { request: chat({ messages: [{ role: 'tool', tool_call_id: 'call_1', content: '{}' }] }), response: completion() },
      { kind: 'reject', reason: TOOL_CALLS },
    ],
    [
      'a legacy function call',
      { request: chat({ messages: [{ role: 'assistant', content: null, function_call: { name: 'f', arguments: '{}' } }] }), response: completion() },
      { kind: 'reject', reason: TOOL_CALLS },
    ],
    [
      'a function message',
      { request: chat({ messages: [{ role: 'function', name: 'f', content: '{}' }] }), response: completion() },
      { kind: 'reject', reason: TOOL_CALLS },
    ],
    [
      'an answer that is a tool call',
      { request: chat(), response: completion({ role: 'assistant', content: null, tool_calls: [toolCall] }) },
      { kind: 'reject', reason: TOOL_CALLS },
    ],
    [
      'an image part',
      { request: chat({ messages: [{ role: 'user', content: [{ type: 'text', text: 'What is this?' }, image] }] }), response: completion() },
      { kind: 'reject', reason: nonTextParts('image_url') },
    ],
    [
      'an audio part',
      {
        request: chat({ messages: [{ role: 'user', content: [{ type: 'input_audio', input_audio: { data: 'AAAA', format: 'wav' } }] }] }),
        response: completion(),
      },
      { kind: 'reject', reason: nonTextParts('input_audio') },
    ],
    [
      'a file part',
      { request: chat({ messages: [{ role: 'user', content: [{ type: 'file', file: { file_id: 'f' } }] }] }), response: completion() },
      { kind: 'reject', reason: nonTextParts('file') },
    ],
    ['no request', { response: completion() }, { kind: 'reject', reason: 'request: missing (expected the chat.completions request body)' }],
    ['no response', { request: chat() }, { kind: 'reject', reason: 'response: missing (expected the chat.completion object)' }],
    ['no messages', { request: { model: 'gpt-4o' }, response: completion() }, { kind: 'reject', reason: 'request.messages: missing or empty' }],
    [
      'an unknown role',
      { request: chat({ messages: [{ role: 'robot', content: 'hi' }] }), response: completion() },
      { kind: 'reject', reason: 'request.messages[0]: unknown role "robot"' },
    ],
    [
      'no model',
      { request: { messages: chat().messages }, response: completion(undefined, { model: undefined }) },
      { kind: 'reject', reason: 'request.model: missing' },
    ],
    [
      'an unreadable created_at',
      { request: chat(), response: completion(), created_at: 'last tuesday' },
      { kind: 'reject', reason: 'created_at: unreadable timestamp' },
    ],
    ['not an object', [1, 2], { kind: 'reject', reason: 'expected a JSON object' }],
  ])('%s', (_, line, expected) => {
    expect(map('openai', line)).toEqual(expected);
  });

  it('gives a line without a response id an id from its content, the same every time', () => {
    const line = { request: chat(), response: completion(undefined, { id: undefined }) };
    const a = captured(map('openai', line));
    expect(a.id).toMatch(/^openai:sha256-[0-9a-f]{32}$/);
    expect(captured(map('openai', line)).id).toBe(a.id);
    expect(captured(map('openai', { ...line, request: chat({ model: 'gpt-4o' }) })).id).not.toBe(a.id);
  });
});

describe('--format portkey', () => {
  const exportRow = (over: Record<string, unknown> = {}) => ({
    id: 'f1e2d3c4-0000-4000-8000-000000000001',
    trace_id: 'trace-77',
    created_at: 'Sat Jan 17 2026 09:22:04 GMT+0000 (Coordinated Universal Time)',
    request: chat(),
    response: completion(undefined, { usage: undefined }),
    ai_org: 'openai',
    ai_model: 'gpt-4o-mini',
    req_units: 30,
    res_units: 7,
    cost: 0.012,
    cost_currency: 'USD',
    response_time: 842,
    response_status_code: 200,
    is_success: 1,
    cache_status: 'MISS',
    metadata: JSON.stringify({ _user: 'cust-42', environment: 'production', feature: 'chat-assist' }),
    ...over,
  });

  it('maps an export row', () => {
    expect(captured(map('portkey', exportRow()))).toEqual({
      id: 'portkey:f1e2d3c4-0000-4000-8000-000000000001',
      model: 'gpt-4o-mini',
      messages: chat().messages,
      completion: 'It shipped yesterday.',
      usage: { prompt_tokens: 30, completion_tokens: 7 },
      latency_ms: 842,
      tags: { source: 'portkey' },
      metadata: { environment: 'production', feature: 'chat-assist', provider: 'openai', portkey_cost_cents: 0.012, portkey_cache_status: 'MISS' },
      user: 'cust-42',
      conversation_id: 'trace-77',
      captured_at: '2026-01-17T09:22:04.000Z',
    });
  });

  it('reads the older export columns request.body / response.body as JSON strings, and times without a zone as UTC', () => {
    const { request, response, ...rest } = exportRow({ created_at: '2026-01-17 09:22:04' });
    const c = captured(map('portkey', { ...rest, 'request.body': JSON.stringify(request), 'response.body': JSON.stringify(response) }));
    expect(c.completion).toBe('It shipped yesterday.');
    expect(c.captured_at).toBe('2026-01-17T09:22:04.000Z');
  });

  it("reads Portkey's log object (request/response wrappers, metadata with the trace id)", () => {
    const c = captured(
      map('portkey', {
        request: { url: 'https://api.openai.com/v1/chat/completions', method: 'POST', headers: {}, body: chat() },
        response: { status: 200, headers: {}, body: completion(), response_time: 512 },
        metadata: { traceId: 'tr-1', spanId: 'sp-1', _user: 'u-9', team: 'search' },
      }),
    );
    expect(c).toMatchObject({
      id: 'portkey:chatcmpl-abc123',
      latency_ms: 512,
      user: 'u-9',
      conversation_id: 'tr-1',
      metadata: { team: 'search', portkey_span_id: 'sp-1' },
    });
    expect(c.usage).toEqual({ prompt_tokens: 21, completion_tokens: 6, prompt_tokens_details: { cached_tokens: 4 } });
  });

  it('reads an Anthropic message body as Portkey logs native calls', () => {
    const anthropic = {
      id: 'msg_01',
      type: 'message',
      role: 'assistant',
      model: 'claude-3-5-haiku-20241022',
      content: [{ type: 'text', text: 'Hello there.' }],
      usage: { input_tokens: 12, output_tokens: 3 },
    };
    const request = { model: 'claude-3.5-haiku', system: [{ type: 'text', text: 'Be kind.' }], messages: [{ role: 'user', content: 'Hi' }] };
    const c = captured(map('portkey', exportRow({ request, response: anthropic })));
    expect(c).toMatchObject({ model: 'claude-3.5-haiku', completion: 'Hello there.', usage: { prompt_tokens: 12, completion_tokens: 3 } });
    expect(c.messages).toEqual([
      { role: 'system', content: [{ type: 'text', text: 'Be kind.' }] },
      { role: 'user', content: 'Hi' },
    ]);
    expect(map('portkey', exportRow({ response: { ...anthropic, content: [{ type: 'tool_use', id: 't', name: 'f', input: {} }] } }))).toEqual({
      kind: 'reject',
      reason: TOOL_CALLS,
    });
  });

  it.each<[string, Record<string, unknown>, MapOutcome]>([
    ['is_success 0', { is_success: 0, response_status_code: 200 }, { kind: 'skip', reason: 'unsuccessful log (is_success = 0)' }],
    ['a non-2xx status', { response_status_code: 429, is_success: undefined }, { kind: 'skip', reason: 'unsuccessful log (status 429)' }],
    ['an error body', { response: { error: { message: 'rate limited' } } }, { kind: 'skip', reason: 'failed call (error response)' }],
    ['an image in the prompt', { request: chat({ messages: [{ role: 'user', content: [image] }] }) }, { kind: 'reject', reason: nonTextParts('image_url') }],
    ['a tool call answer', { response: completion({ role: 'assistant', content: null, tool_calls: [toolCall] }) }, { kind: 'reject', reason: TOOL_CALLS }],
    [
      'no model anywhere',
      { request: { messages: chat().messages }, ai_model: undefined, response: completion(undefined, { model: undefined }) },
      { kind: 'reject', reason: 'model: missing (neither the request body nor ai_model names one)' },
    ],
    ['no request', { request: undefined }, { kind: 'reject', reason: 'request: missing (expected the request body)' }],
  ])('%s', (_, over, expected) => {
    expect(map('portkey', exportRow(over))).toEqual(expected);
  });
});

describe('--format langfuse', () => {
  const generation = (over: Record<string, unknown> = {}) => ({
    id: 'obs-1',
    traceId: 'trace-1',
    type: 'GENERATION',
    name: 'answer-question',
    startTime: '2026-02-03T10:00:00.000Z',
    endTime: '2026-02-03T10:00:01.250Z',
    model: 'gpt-4o',
    input: chat().messages,
    output: { role: 'assistant', content: 'It shipped yesterday.' },
    usageDetails: { input: 21, output: 6, total: 27 },
    costDetails: { input: 0.0001, output: 0.0002, total: 0.0003 },
    metadata: { release: 'v2' },
    level: 'DEFAULT',
    statusMessage: null,
    userId: 'user-3',
    ...over,
  });

  it('maps a generation', () => {
    expect(captured(map('langfuse', generation()))).toEqual({
      id: 'langfuse:obs-1',
      model: 'gpt-4o',
      messages: chat().messages,
      completion: 'It shipped yesterday.',
      usage: { prompt_tokens: 21, completion_tokens: 6 },
      latency_ms: 1250,
      tags: { source: 'langfuse' },
      metadata: { release: 'v2', langfuse_name: 'answer-question', langfuse_cost_usd: 0.0003 },
      user: 'user-3',
      conversation_id: 'trace-1',
      captured_at: '2026-02-03T10:00:00.000Z',
    });
  });

  it('groups by session when the trace has one, reads latency in seconds and the older usage fields', () => {
    const c = captured(
      map(
        'langfuse',
        generation({
          sessionId: 'sess-5',
          latency: 0.4,
          usageDetails: undefined,
          usage: { promptTokens: 9, completionTokens: 2 },
          userId: undefined,
          trace: { userId: 'from-trace' },
        }),
      ),
    );
    expect(c).toMatchObject({ conversation_id: 'sess-5', latency_ms: 400, usage: { prompt_tokens: 9, completion_tokens: 2 }, user: 'from-trace' });
    expect(c.metadata).toMatchObject({ langfuse_trace_id: 'trace-1' });
  });

  it.each<[string, unknown, unknown, string]>([
    ['a prompt string', 'Translate: bonjour', 'hello', 'hello'],
    ['{messages}', { messages: chat().messages }, 'fine', 'fine'],
    ['a chat.completion output', chat().messages, completion(), 'It shipped yesterday.'],
    ['a list of output messages', chat().messages, [{ role: 'assistant', content: 'last one' }], 'last one'],
  ])('reads %s', (_, input, output, expected) => {
    expect(captured(map('langfuse', generation({ input, output }))).completion).toBe(expected);
  });

  it.each<[string, Record<string, unknown>, MapOutcome]>([
    ['a span', { type: 'SPAN' }, { kind: 'skip', reason: 'not a generation (SPAN)' }],
    ['an error level', { level: 'ERROR', output: null }, { kind: 'skip', reason: 'failed generation (level ERROR)' }],
    ['no output', { output: null }, { kind: 'skip', reason: 'no output (unsuccessful generation)' }],
    ['a tool call output', { output: { role: 'assistant', content: null, tool_calls: [toolCall] } }, { kind: 'reject', reason: TOOL_CALLS }],
    ['an image input', { input: [{ role: 'user', content: [image] }] }, { kind: 'reject', reason: nonTextParts('image_url') }],
    ['a tool message in the input', { input: [...chat().messages, { role: 'tool', content: '{}' }] }, { kind: 'reject', reason: TOOL_CALLS }],
    ['no input', { input: null }, { kind: 'reject', reason: 'input: missing or not chat messages' }],
    ['no model', { model: null }, { kind: 'reject', reason: 'model: missing' }],
  ])('%s', (_, over, expected) => {
    expect(map('langfuse', generation(over))).toEqual(expected);
  });
});

describe('--format switchyard', () => {
  const line = { id: 'req-1', model: 'gpt-4o-mini', messages: [{ role: 'user', content: 'hi' }], completion: 'hello', user: 'u', future_field: 1 };

  it('passes a capture through as it is, unknown fields included', () => {
    expect(map('switchyard', line)).toEqual({ kind: 'capture', capture: line });
  });

  it.each<[string, unknown, MapOutcome]>([
    ['an invalid capture', { ...line, messages: [] }, { kind: 'reject', reason: 'messages: must contain at least one message' }],
    ['a batch body', { captures: [line] }, { kind: 'reject', reason: 'a batch body: put one capture per line' }],
    ['not an object', 'hello', { kind: 'reject', reason: 'expected a JSON object (one capture)' }],
  ])('rejects %s', (_, record, expected) => {
    expect(map('switchyard', record)).toEqual(expected);
  });
});

describe('ids and times', () => {
  it.each([
    ['chatcmpl-abc', 'chatcmpl-abc'],
    ['a/b c', /^a_b_c-[0-9a-f]{16}$/],
    ['x'.repeat(200), /^x{111}-[0-9a-f]{16}$/],
  ])('makes %s a valid API id', (raw, expected) => {
    const id = safeId(raw);
    expect(id).toMatch(/^[A-Za-z0-9._:-]{1,128}$/);
    if (typeof expected === 'string') expect(id).toBe(expected);
    else expect(id).toMatch(expected);
  });

  it('never gives two different source ids the same capture id', () => {
    expect(safeId('a/b')).not.toBe(safeId('a_b'));
    expect(safeId('a/b')).not.toBe(safeId('a b'));
  });

  it.each<[unknown, string | null | undefined]>([
    [1_767_225_600, '2026-01-01T00:00:00.000Z'],
    [1_767_225_600_000, '2026-01-01T00:00:00.000Z'],
    ['1767225600', '2026-01-01T00:00:00.000Z'],
    ['2026-01-01T01:00:00+01:00', '2026-01-01T00:00:00.000Z'],
    ['2026-01-01 00:00:00', '2026-01-01T00:00:00.000Z'],
    ['Thu Jan 01 2026 00:00:00 GMT+0000 (Coordinated Universal Time)', '2026-01-01T00:00:00.000Z'],
    [undefined, undefined],
    ['soon', null],
    [{}, null],
  ])('reads the time %j', (raw, expected) => {
    expect(isoTime(raw)).toBe(expected);
  });
});
