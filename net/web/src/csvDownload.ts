// Saving a CSV the API serves behind the bearer: fetch it with the Authorization header, then
// hand the bytes to the browser as a Blob URL on a temporary <a download>.
import { ApiError } from './api';

export interface DownloadEnv {
  fetch: typeof fetch;
  createObjectURL: (b: Blob) => string;
  revokeObjectURL: (url: string) => void;
  /** Clicks a temporary link to `href` saving as `filename`. */
  click: (href: string, filename: string) => void;
}

/** `<channel>-<table>-<from>-<to>.csv` with the range's dates (UTC, YYYY-MM-DD). */
export function csvFilename(channel: string, table: string, from: number, to: number): string {
  const day = (ms: number) => new Date(ms).toISOString().slice(0, 10);
  return `${channel}-${table}-${day(from)}-${day(to)}.csv`;
}

/** Fetches `url` as `token` and saves it as `filename`; throws an ApiError on a refusal. */
export async function downloadCsv(url: string, token: string, filename: string, env: DownloadEnv = browserEnv()): Promise<void> {
  const res = await env.fetch(url, { headers: { Authorization: `Bearer ${token}`, Accept: 'text/csv' }, cache: 'no-store' });
  if (!res.ok) throw new ApiError(res.status, `http_${res.status}`, `CSV download failed (HTTP ${res.status})`);
  const blob = await res.blob();
  const typed = blob.type ? blob : new Blob([blob], { type: 'text/csv' });
  const href = env.createObjectURL(typed);
  try {
    env.click(href, filename);
  } finally {
    // Revoked after the click has started the save.
    setTimeout(() => env.revokeObjectURL(href), 1000);
  }
}

function browserEnv(): DownloadEnv {
  return {
    fetch: (...a) => fetch(...a),
    createObjectURL: (b) => URL.createObjectURL(b),
    revokeObjectURL: (u) => URL.revokeObjectURL(u),
    click: (href, filename) => {
      const a = document.createElement('a');
      a.href = href;
      a.download = filename;
      a.style.display = 'none';
      document.body.appendChild(a);
      a.click();
      a.remove();
    },
  };
}
