import { createContext, useCallback, useContext, useMemo, useState, type ReactNode } from 'react';
import { Provider as UrqlProvider } from 'urql';
import { clearToken, createApiClient, readToken, storeToken } from '../api/client';
import { currentLanguage } from '../i18n';
import { LogoutMutation } from './queries';

interface Session {
  token: string | null;
  /** Set when the server refused a stored token, so the login page can say why. */
  expired: boolean;
  signIn: (token: string) => void;
  signOut: () => Promise<void>;
}

const SessionContext = createContext<Session | null>(null);

export function SessionProvider({ children }: { children: ReactNode }) {
  const [token, setToken] = useState<string | null>(readToken);
  const [expired, setExpired] = useState(false);

  const onUnauthenticated = useCallback(() => {
    clearToken();
    setToken(null);
    setExpired(true);
  }, []);

  // A new client per token, so one staff member's cached data never shows for the next.
  const client = useMemo(
    () => createApiClient({ token, language: currentLanguage, onUnauthenticated }),
    [token, onUnauthenticated],
  );

  const signIn = useCallback((next: string) => {
    storeToken(next);
    setExpired(false);
    setToken(next);
  }, []);

  const signOut = useCallback(async () => {
    try {
      await client.mutation(LogoutMutation, {}).toPromise();
    } finally {
      clearToken();
      setExpired(false);
      setToken(null);
    }
  }, [client]);

  const session = useMemo(
    () => ({ token, expired, signIn, signOut }),
    [token, expired, signIn, signOut],
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
