// /developers/api: the API reference rendered from the node's own /api/v1/openapi.json (which is
// generated from the route table), grouped by the first path segment: method, path, summary,
// who may call it and the OAuth scope an app's token needs.
import { useEffect, useState } from 'preact/hooks';
import { ApiError } from '../api';
import { apiDescription, type ApiDescription, type ApiOperation } from './api';

export function ApiDocsPage() {
  const [doc, setDoc] = useState<ApiDescription | null>(null);
  const [error, setError] = useState<string | null>(null);
  useEffect(() => {
    document.title = 'API reference · AeThex LIVE';
    apiDescription()
      .then(setDoc)
      .catch((e) => setError(e instanceof ApiError ? e.message : 'Could not reach the server.'));
  }, []);

  const groups = new Map<string, ApiOperation[]>();
  for (const op of doc?.operations ?? []) groups.set(op.tag, [...(groups.get(op.tag) ?? []), op]);
  return (
    <main class="apps-page" id="api-docs-page">
      <h1 class="section-title">API reference</h1>
      <p class="muted">
        Every route under <code>/api/v1</code>, from <a href="/api/v1/openapi.json">openapi.json</a> (OpenAPI {doc?.version ?? '3.1'}). Apps get tokens
        at <code>/api/v1/oauth/token</code>; register one on the <a href="/developers">developers page</a>.
      </p>
      {error && (
        <p class="apps-error" role="alert">
          {error}
        </p>
      )}
      {doc && (
        <section class="apps-card" id="api-scopes">
          <h2>Scopes</h2>
          <ul>
            {Object.entries(doc.scopes).map(([s, d]) => (
              <li key={s}>
                <code>{s}</code> — {d}
              </li>
            ))}
          </ul>
        </section>
      )}
      {[...groups.entries()].map(([tag, ops]) => (
        <section class="apps-card api-group" key={tag} data-tag={tag}>
          <h2>{tag}</h2>
          <table class="api-table">
            <thead>
              <tr>
                <th>method</th>
                <th>path</th>
                <th>what</th>
                <th>access</th>
                <th>scope</th>
              </tr>
            </thead>
            <tbody>
              {ops.map((op) => (
                <tr key={`${op.method} ${op.path}`} data-op={`${op.method} ${op.path}`}>
                  <td class={`api-method api-${op.method.toLowerCase()}`}>{op.method}</td>
                  <td>
                    <code>{op.path}</code>
                  </td>
                  <td>{op.summary}</td>
                  <td>{op.access}</td>
                  <td>{op.scope && <code>{op.scope}</code>}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </section>
      ))}
    </main>
  );
}
