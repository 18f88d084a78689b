import {
  Client,
  cacheExchange,
  fetchExchange,
  makeOperation,
  mapExchange,
  type CombinedError,
  type Exchange,
  type Operation,
  type PersistedDocument,
} from 'urql';

/** The one GraphQL client of the SPA: endpoint, bearer token, language, and sign-out on a dead token. */

const TOKEN_KEY = 'membership.admin.token';

export const GRAPHQL_URL: string = import.meta.env.VITE_GRAPHQL_URL ?? '/graphql';

export function readToken(): string | null {
  try {
    return window.localStorage.getItem(TOKEN_KEY);
  } catch {
    return null;
  }
}

export function storeToken(token: string): void {
  window.localStorage.setItem(TOKEN_KEY, token);
}

export function clearToken(): void {
  window.localStorage.removeItem(TOKEN_KEY);
}

/** True when the server refused the credential (HTTP 401 or an UNAUTHENTICATED GraphQL error). */
export function isUnauthenticated(error: CombinedError): boolean {
  const response = error.response as { status?: number } | undefined;
  if (response?.status === 401) return true;
  return error.graphQLErrors.some((e) => e.extensions?.code === 'UNAUTHENTICATED');
}

/** The server's reason for refusing the credential ("This staff account is disabled."), if it gave one. */
export function unauthenticatedReason(error: CombinedError): string | null {
  const refusal = error.graphQLErrors.find((e) => e.extensions?.code === 'UNAUTHENTICATED');
  return refusal?.message ?? null;
}

/** The stand-ins sent for persisted documents, one per document. */
const standIns = new WeakMap<object, PersistedDocument>();

/**
 * The stand-in of a document codegen has given an id (`__meta__.documentId`): no definitions and
 * the id, which urql's fetch sends as `documentId` instead of the document's text.
 */
function byId(document: Operation['query']): Operation['query'] {
  const documentId = (document as { __meta__?: { documentId?: string } }).__meta__?.documentId;
  if (!documentId || document.definitions.length === 0) return document;
  let standIn = standIns.get(document);
  if (!standIn) {
    standIn = { kind: document.kind, definitions: [], documentId };
    standIns.set(document, standIn);
  }
  return standIn;
}

/**
 * Every operation of the SPA is registered with the API at start-up (persisted-documents.json,
 * written by codegen and shipped with the build), so a request carries only the document's id
 * and the variables. The swap happens after the cache, which keys and reads operations by their
 * full documents. An API older than the SPA answers PERSISTED_QUERY_NOT_FOUND, shown as any error.
 */
export const persistedDocumentExchange: Exchange = mapExchange({
  onOperation(operation) {
    if (operation.kind !== 'query' && operation.kind !== 'mutation') return operation;
    const query = byId(operation.query);
    if (query === operation.query) return operation;
    return makeOperation(operation.kind, { ...operation, query });
  },
});

export interface ApiClientOptions {
  token: string | null;
  /** Current UI language, sent as Accept-Language so UserError messages come back in it. */
  language: () => string;
  /** The token this client sent was refused; `token` says which, as a fresh one may have replaced it. */
  onUnauthenticated: (token: string, reason: string | null) => void;
}

export function createApiClient({ token, language, onUnauthenticated }: ApiClientOptions): Client {
  return new Client({
    url: GRAPHQL_URL,
    preferGetMethod: false,
    requestPolicy: 'cache-and-network',
    exchanges: [
      mapExchange({
        onError(error) {
          if (token && isUnauthenticated(error)) onUnauthenticated(token, unauthenticatedReason(error));
        },
      }),
      cacheExchange,
      persistedDocumentExchange,
      fetchExchange,
    ],
    fetchOptions: () => {
      const headers: Record<string, string> = { 'Accept-Language': language() };
      if (token) headers.Authorization = `Bearer ${token}`;
      return { headers };
    },
  });
}
