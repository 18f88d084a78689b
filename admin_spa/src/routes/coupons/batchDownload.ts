import { GRAPHQL_URL } from '../../api/client';

/** A path the API serves (like a batch's `downloadUrl`), against the origin GraphQL is served from. */
export function apiUrl(path: string): string {
  return new URL(path, new URL(GRAPHQL_URL, window.location.href)).toString();
}

/** The file name a batch's codes are saved as: the template's code prefix, or the batch's id. */
export function batchFileName(codePrefix: string, batchId: string): string {
  const name = codePrefix.trim() || batchId;
  return `coupons-${name.replace(/[^A-Za-z0-9_-]/g, '_')}.csv`;
}

export class DownloadError extends Error {
  constructor(readonly status: number, message: string) {
    super(message);
  }
}

/**
 * Fetches a file with the session's credential (a plain link cannot send the Authorization
 * header) and hands it to the browser as a download.
 */
export async function downloadWithToken(
  path: string,
  fileName: string,
  token: string | null,
  language: string,
): Promise<void> {
  const headers: Record<string, string> = { 'Accept-Language': language };
  if (token) headers.Authorization = `Bearer ${token}`;
  const response = await fetch(apiUrl(path), { headers });
  if (!response.ok) {
    let message = response.statusText;
    try {
      const body = (await response.json()) as { errors?: { message?: string }[] };
      message = body.errors?.[0]?.message ?? message;
    } catch {
      // not JSON: keep the status text
    }
    throw new DownloadError(response.status, message);
  }
  const blob = await response.blob();
  const href = URL.createObjectURL(blob);
  const link = document.createElement('a');
  link.href = href;
  link.download = fileName;
  document.body.appendChild(link);
  link.click();
  link.remove();
  // The click has started the download; the object URL is only needed until then.
  window.setTimeout(() => URL.revokeObjectURL(href), 10_000);
}
