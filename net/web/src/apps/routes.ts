// The developer pages' paths (pure): router.ts asks here, so its own table stays unchanged.
//   /developers            register, list, rotate and delete OAuth apps
//   /developers/api        the API reference, rendered from /api/v1/openapi.json
//   /oauth/authorize?...   the consent page of the authorization code flow (RFC 6749 §4.1)
export interface AuthorizeRequest {
  response_type: string;
  client_id: string;
  redirect_uri: string;
  scope: string;
  state: string;
  code_challenge: string;
  code_challenge_method: string;
}

export type AppsRoute = { kind: 'developers' } | { kind: 'developer-api' } | { kind: 'authorize'; request: AuthorizeRequest };

export function parseAppsRoute(parts: readonly string[], query: URLSearchParams): AppsRoute | null {
  const [head, a] = parts;
  if (head === 'developers' && parts.length === 1) return { kind: 'developers' };
  if (head === 'developers' && parts.length === 2 && a === 'api') return { kind: 'developer-api' };
  if (head === 'oauth' && parts.length === 2 && a === 'authorize') {
    const get = (k: string) => query.get(k) ?? '';
    return {
      kind: 'authorize',
      request: {
        response_type: get('response_type'),
        client_id: get('client_id'),
        redirect_uri: get('redirect_uri'),
        scope: get('scope'),
        state: get('state'),
        code_challenge: get('code_challenge'),
        code_challenge_method: get('code_challenge_method'),
      },
    };
  }
  return null;
}

export const APPS_KINDS: readonly string[] = ['developers', 'developer-api', 'authorize'];
