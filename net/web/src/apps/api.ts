// REST calls of the apps contract (docs/api.md, Apps and OAuth). Paths are checked against the
// API's generated types (src/api/schema.d.ts, from /api/v1/openapi.json): a path the node does
// not serve, or a missing path parameter, does not compile.
import type { paths } from '../api/schema';
import { request } from '../accountApi';

type Method = 'get' | 'post' | 'put' | 'patch' | 'delete';
/** The API paths that have operation `M`. */
type PathWith<M extends Method> = { [P in keyof paths]: paths[P][M] extends undefined | never ? never : P }[keyof paths];
type NoParams = Record<string, never>;
type PathParams<P extends keyof paths, M extends Method> = paths[P][M] extends { parameters: { path?: infer X } }
  ? [X] extends [never]
    ? NoParams
    : X extends object
      ? X
      : NoParams
  : NoParams;

/** The URL of operation `method` `path` with its path parameters filled in. */
export function apiUrl<M extends Method, P extends PathWith<M>>(_method: M, path: P, params: PathParams<P, M>): string {
  const filled = (path as string).replace(/\{([^}]+)\}/g, (_, name: string) => encodeURIComponent(String((params as Record<string, unknown>)[name] ?? '')));
  return `/api/v1${filled}`;
}

export interface AppInfo {
  client_id: string;
  name: string;
  owner: string;
  redirect_uris: string[];
  created_at_ms: number;
}
/** A registration or rotation answer: the secret is in it this once. */
export interface AppWithSecret extends AppInfo {
  client_secret: string;
}

type Obj = Record<string, unknown>;
const obj = (v: unknown): Obj => (typeof v === 'object' && v !== null && !Array.isArray(v) ? (v as Obj) : {});
const str = (v: unknown): string => (typeof v === 'string' ? v : '');

export function parseApp(v: unknown): AppInfo {
  const o = obj(v);
  return {
    client_id: str(o.client_id),
    name: str(o.name),
    owner: str(o.owner),
    redirect_uris: Array.isArray(o.redirect_uris) ? o.redirect_uris.filter((u): u is string => typeof u === 'string') : [],
    created_at_ms: typeof o.created_at_ms === 'number' ? o.created_at_ms : 0,
  };
}

const withSecret = (v: unknown): AppWithSecret => ({ ...parseApp(v), client_secret: str(obj(v).client_secret) });

export async function myApps(token: string): Promise<AppInfo[]> {
  const body = obj(await request('GET', apiUrl('get', '/me/apps', {}), { token }));
  return Array.isArray(body.apps) ? body.apps.map(parseApp) : [];
}

export async function registerApp(token: string, name: string, redirectUris: string[]): Promise<AppWithSecret> {
  return withSecret(await request('POST', apiUrl('post', '/apps', {}), { token, body: { name, redirect_uris: redirectUris } }));
}

export async function rotateSecret(token: string, clientId: string): Promise<AppWithSecret> {
  return withSecret(await request('POST', apiUrl('post', '/apps/{client_id}/secret', { client_id: clientId }), { token }));
}

export async function deleteApp(token: string, clientId: string): Promise<void> {
  await request('DELETE', apiUrl('delete', '/apps/{client_id}', { client_id: clientId }), { token });
}

export async function appInfo(clientId: string): Promise<AppInfo> {
  return parseApp(await request('GET', apiUrl('get', '/apps/{client_id}', { client_id: clientId })));
}

/** The consent's answer: where the browser goes next (the app's redirect URI with code or error). */
export async function decide(token: string, req: Record<string, string>, allow: boolean): Promise<string> {
  const body = obj(await request('POST', apiUrl('post', '/oauth/authorize', {}), { token, body: { ...req, decision: allow ? 'allow' : 'deny' } }));
  return str(body.redirect);
}

// ---- The API description, for the docs and consent pages ----

export interface ApiOperation {
  method: string;
  path: string;
  summary: string;
  access: string;
  scope: string;
  tag: string;
}

export interface ApiDescription {
  version: string;
  operations: ApiOperation[];
  /** scope → what it grants (the oauth2 scheme's list). */
  scopes: Record<string, string>;
}

export function parseDescription(v: unknown): ApiDescription {
  const doc = obj(v);
  const operations: ApiOperation[] = [];
  for (const [path, item] of Object.entries(obj(doc.paths))) {
    for (const [method, op] of Object.entries(obj(item))) {
      const o = obj(op);
      const tags = Array.isArray(o.tags) ? o.tags : [];
      operations.push({
        method: method.toUpperCase(),
        path,
        summary: str(o.summary),
        access: str(o['x-aethex-access']),
        scope: str(o['x-aethex-scope']),
        tag: str(tags[0]) || 'api',
      });
    }
  }
  operations.sort((a, b) => a.tag.localeCompare(b.tag) || a.path.localeCompare(b.path) || a.method.localeCompare(b.method));
  const flows = obj(obj(obj(obj(doc.components).securitySchemes).oauth2).flows);
  const scopes: Record<string, string> = {};
  for (const [k, d] of Object.entries(obj(obj(flows.authorizationCode).scopes))) scopes[k] = str(d);
  return { version: str(doc.openapi), operations, scopes };
}

export async function apiDescription(): Promise<ApiDescription> {
  return parseDescription(await request('GET', apiUrl('get', '/openapi.json', {})));
}
