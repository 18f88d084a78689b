import { useEffect, useRef } from 'react';
import type { OperationContext } from 'urql';

/** Reads a query again from the server when `revision` changes after the first render. */
export function useRefetchOnChange(revision: string, refetch: (opts?: Partial<OperationContext>) => void): void {
  const first = useRef(revision);
  useEffect(() => {
    if (revision === first.current) return;
    first.current = revision;
    refetch({ requestPolicy: 'network-only' });
  }, [revision, refetch]);
}
