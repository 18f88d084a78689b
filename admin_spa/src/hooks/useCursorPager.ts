import { useCallback, useState } from 'react';

export interface CursorPager {
  /** The `after` argument for the current page (null on the first). */
  after: string | null;
  /** 1-based page number. */
  page: number;
  next: (endCursor: string | null | undefined) => void;
  prev: () => void;
}

/**
 * Next/previous paging over a Relay connection, remembering the cursors already visited.
 * A new `resetKey` (for example the serialised filter) starts again from the first page.
 */
export function useCursorPager(resetKey: string): CursorPager {
  const [state, setState] = useState<{ key: string; cursors: (string | null)[] }>({
    key: resetKey,
    cursors: [null],
  });
  const cursors = state.key === resetKey ? state.cursors : [null];

  const next = useCallback(
    (endCursor: string | null | undefined) => {
      if (!endCursor) return;
      setState({ key: resetKey, cursors: [...cursors, endCursor] });
    },
    [resetKey, cursors],
  );
  const prev = useCallback(() => {
    if (cursors.length > 1) setState({ key: resetKey, cursors: cursors.slice(0, -1) });
  }, [resetKey, cursors]);

  return { after: cursors[cursors.length - 1] ?? null, page: cursors.length, next, prev };
}
