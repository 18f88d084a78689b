import { GRAPHQL_URL } from '../../api/client';
import { userErrorMessage } from '../../api/userErrors';
import i18n from '../../i18n';

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
  let response: Response;
  try {
    response = await fetch(apiUrl(path), { headers });
  } catch {
    throw new DownloadError(0, i18n.t('common.network'));
  }
  if (!response.ok) {
    const requestId = response.headers.get('x-request-id');
    const failed = requestId
      ? i18n.t('errors.withRequestId', { message: i18n.t('errors.server'), id: requestId })
      : i18n.t('errors.server');
    let message = response.status >= 500 ? failed : i18n.t('errors.refused', { status: response.status });
    try {
      const body = (await response.json()) as { errors?: { message?: string; extensions?: { code?: string } }[] };
      const refusal = body.errors?.[0];
      if (response.status < 500 && refusal?.message && refusal.extensions?.code) {
        message = userErrorMessage({ code: refusal.extensions.code, message: refusal.message });
      }
    } catch {
      // not JSON: the status says enough
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
