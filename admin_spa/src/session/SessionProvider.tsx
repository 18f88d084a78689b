import { createContext, useCallback, useContext, useMemo, useRef, useState, type ReactNode } from 'react';
import { Provider as UrqlProvider } from 'urql';
import { clearToken, createApiClient, readToken, storeToken } from '../api/client';
import { currentLanguage } from '../i18n';
import { LogoutMutation } from './queries';

interface Session {
  token: string | null;
  /** Why the last session ended: the login page says so, and after a logout it starts afresh. */
  ended: 'expired' | 'logout' | null;
  /** The server's words when it refused the token (the account was disabled, the password changed). */
  endedReason: string | null;
  /** Starts a session, or swaps in the fresh token a password change returns. */
  signIn: (token: string) => void;
  signOut: () => Promise<void>;
}

const SessionContext = createContext<Session | null>(null);

export function SessionProvider({ children }: { children: ReactNode }) {
  const [token, setToken] = useState<string | null>(readToken);
  const [ended, setEnded] = useState<Session['ended']>(null);
  const [endedReason, setEndedReason] = useState<string | null>(null);
  // A late answer to a request made with a replaced token must not end the fresh session.
  const current = useRef(token);

  const onUnauthenticated = useCallback((refused: string, reason: string | null) => {
    if (refused !== current.current) return;
    current.current = null;
    clearToken();
    setToken(null);
    setEnded('expired');
    setEndedReason(reason);
  }, []);

  // A new client per token, so one staff member's cached data never shows for the next.
  const client = useMemo(
    () => createApiClient({ token, language: currentLanguage, onUnauthenticated }),
    [token, onUnauthenticated],
  );

  const signIn = useCallback((next: string) => {
    storeToken(next);
    current.current = next;
    setEnded(null);
    setEndedReason(null);
    setToken(next);
  }, []);

  const signOut = useCallback(async () => {
    try {
      await client.mutation(LogoutMutation, {}).toPromise();
    } finally {
      current.current = null;
      clearToken();
      setEnded('logout');
      setEndedReason(null);
      setToken(null);
    }
  }, [client]);

  const session = useMemo(
    () => ({ token, ended, endedReason, signIn, signOut }),
    [token, ended, endedReason, signIn, signOut],
  );

  return (
    <SessionContext.Provider value={session}>
      <UrqlProvider value={client}>{children}</UrqlProvider>
    </SessionContext.Provider>
  );
}

export function useSession(): Session {
  const session = useContext(SessionContext);
  if (!session) throw new Error('useSession must be used inside <SessionProvider>');
  return session;
}
