import { describe, expect, it } from 'vitest';
import { parseRoute } from '../router';
import { apiUrl, parseDescription } from './api';

describe('apps routes', () => {
  it('parses the developer, docs and consent pages', () => {
    expect(parseRoute('/developers')).toEqual({ kind: 'developers' });
    expect(parseRoute('/developers/api')).toEqual({ kind: 'developer-api' });
    const r = parseRoute('/oauth/authorize?response_type=code&client_id=abc&redirect_uri=http%3A%2F%2F127.0.0.1%2Fcb&scope=chat%3Awrite+user%3Aread&state=s&code_challenge=x&code_challenge_method=S256');
    expect(r.kind).toBe('authorize');
    if (r.kind === 'authorize') {
      expect(r.request.redirect_uri).toBe('http://127.0.0.1/cb');
      expect(r.request.scope).toBe('chat:write user:read');
    }
  });
  it('fills typed paths', () => {
    expect(apiUrl('delete', '/apps/{client_id}', { client_id: 'a/b' })).toBe('/api/v1/apps/a%2Fb');
  });
  it('groups the OpenAPI document', () => {
    const d = parseDescription({
      openapi: '3.1.0',
      paths: { '/me': { get: { summary: 'me', tags: ['me'], 'x-aethex-access': 'user', 'x-aethex-scope': 'user:read' } } },
      components: { securitySchemes: { oauth2: { flows: { authorizationCode: { scopes: { 'user:read': 'reads' } } } } } },
    });
    expect(d.operations).toEqual([{ method: 'GET', path: '/me', summary: 'me', access: 'user', scope: 'user:read', tag: 'me' }]);
    expect(d.scopes).toEqual({ 'user:read': 'reads' });
  });
});
