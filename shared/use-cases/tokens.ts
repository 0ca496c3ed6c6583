// Bearer tokens: created by the CLI, stored only as a SHA-256 hash, resolved to a tenant by the authorizer.
import { createHash, randomBytes } from 'node:crypto';
import type { TokenStore } from '../ports/index.js';

const TENANT = /^[a-z0-9][a-z0-9-]{0,62}$/;

export const hashToken = (token: string): string => createHash('sha256').update(token, 'utf8').digest('hex');

export async function createToken(tokens: TokenStore, tenantId: string, label: string): Promise<string> {
  if (!TENANT.test(tenantId)) throw new Error('tenant id: lowercase letters, digits and dashes, at most 63 characters');
  const token = `sy_${randomBytes(24).toString('base64url')}`;
  await tokens.put(hashToken(token), tenantId, label);
  return token;
}

/** Resolves an Authorization header to a tenant; null for a missing, malformed or unknown token. */
export async function authenticate(tokens: TokenStore, authorization: string | undefined): Promise<string | null> {
  const match = authorization?.match(/^Bearer\s+(sy_[A-Za-z0-9_-]{20,64})$/);
  if (!match) return null;
  return tokens.findTenant(hashToken(match[1] as string));
}
