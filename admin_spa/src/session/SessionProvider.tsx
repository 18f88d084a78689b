import { createContext, useCallback, useContext, useMemo, useState, type ReactNode } from 'react';
import { Provider as UrqlProvider } from 'urql';
import { clearToken, createApiClient, readToken, storeToken } from '../api/client';
import { currentLanguage } from '../i18n';
import { LogoutMutation } from './queries';

interface Session {
  token: string | null;
  /** Why the last session ended: the login page says so, and after a logout it starts afresh. */
  ended: 'expired' | 'logout' | null;
  signIn: (token: string) => void;
  signOut: () => Promise<void>;
}

const SessionContext = createContext<Session | null>(null);

export function SessionProvider({ children }: { children: ReactNode }) {
  const [token, setToken] = useState<string | null>(readToken);
  const [ended, setEnded] = useState<Session['ended']>(null);

  const onUnauthenticated = useCallback(() => {
    clearToken();
    setToken(null);
    setEnded('expired');
  }, []);

  // A new client per token, so one staff member's cached data never shows for the next.
  const client = useMemo(
    () => createApiClient({ token, language: currentLanguage, onUnauthenticated }),
    [token, onUnauthenticated],
  );

  const signIn = useCallback((next: string) => {
    storeToken(next);
    setEnded(null);
    setToken(next);
  }, []);

  const signOut = useCallback(async () => {
    try {
      await client.mutation(LogoutMutation, {}).toPromise();
    } finally {
      clearToken();
      setEnded('logout');
      setToken(null);
    }
  }, [client]);

  const session = useMemo(
    () => ({ token, ended, signIn, signOut }),
    [token, ended, signIn, signOut],
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
