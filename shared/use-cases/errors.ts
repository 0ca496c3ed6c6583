// Expected request failures, as values the handlers map to 4xx answers.
export type RequestProblem = { status: 400 | 401 | 404 | 409 | 413 | 422; error: string; message: string; field?: string; limit?: number };

export const problem = (status: RequestProblem['status'], error: string, message: string, extra: Partial<RequestProblem> = {}): RequestProblem => ({
  status,
  error,
  message,
  ...extra,
});
