import { useCallback, useSyncExternalStore } from 'react';

/** antd's `md` breakpoint: from this width up the admin has room for a sider and tables. */
export const NARROW_BELOW_PX = 768;

/**
 * Whether a CSS media query matches, kept up to date as the window resizes.
 * Read synchronously on the first render, so a phone never paints the desktop layout first.
 */
export function useMediaQuery(query: string): boolean {
  const subscribe = useCallback(
    (onChange: () => void) => {
      const list = window.matchMedia(query);
      list.addEventListener('change', onChange);
      return () => list.removeEventListener('change', onChange);
    },
    [query],
  );
  return useSyncExternalStore(
    subscribe,
    () => window.matchMedia(query).matches,
    () => false,
  );
}

/** True below 768 px (a phone): the drawer menu, cards instead of tables and 44 px tap targets. */
export function useIsNarrow(): boolean {
  return !useMediaQuery(`(min-width: ${NARROW_BELOW_PX}px)`);
}
