// Expected request failures, as values the handlers map to 4xx answers.
export type RequestProblem = { status: 400 | 401 | 404 | 409 | 413 | 422 | 503; error: string; message: string; field?: string; limit?: number };

export const problem = (status: RequestProblem['status'], error: string, message: string, extra: Partial<RequestProblem> = {}): RequestProblem => ({
  status,
  error,
  message,
  ...extra,
});

type Issue = { code: string; path: PropertyKey[]; message: string; keys?: string[]; issues?: Issue[]; params?: Record<string, unknown> };

/**
 * The 400 for a request a zod schema refused, naming the field: `unknown_field` for a field the schema does not
 * know (strict objects), `reserved_key` for a dictionary key such as `constructor`, else `fallback`.
 */
export function invalidRequest(issues: readonly Issue[], fallback: string, prefix = '', whole = '(body)'): RequestProblem {
  const first = issues[0];
  if (!first) return problem(400, fallback, `${prefix || whole}: invalid`, { field: prefix || whole });
  const at = (path: readonly PropertyKey[]) => [prefix, ...path.map(String)].filter(Boolean).join('.') || whole;
  if (first.code === 'unrecognized_keys' && first.keys?.length) {
    const field = at([...first.path, first.keys[0] as string]);
    return problem(400, 'unknown_field', `${field}: unknown field (check its spelling)`, { field });
  }
  const field = at(first.path);
  if (first.code === 'invalid_key' && first.issues?.some((i) => i.params?.reason === 'reserved_key')) return reservedKey(field);
  return problem(400, fallback, `${field}: ${first.message}`, { field });
}

export const reservedKey = (field: string): RequestProblem =>
  problem(400, 'reserved_key', `${field}: reserved key (__proto__, constructor and prototype are not accepted)`, { field });
