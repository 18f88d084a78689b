import { useEffect, useRef, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { useClient } from 'urql';
import { describeError } from '../../api/userErrors';
import { useDebouncedValue } from '../../hooks/useDebouncedValue';
import { CountSegmentMatchesQuery } from './queries';

const COUNT_DEBOUNCE_MS = 400;

export interface SegmentCount {
  /** The condition the answer below is for (trimmed); null before the first answer. */
  condition: string | null;
  /** Members the condition names now; null when it did not compile or the request failed. */
  count: number | null;
  /** Why there is no count: the checker's message (bad CEL) or a failed request, in words. */
  error: string | null;
  /** The condition is settling or its count is on the way. */
  running: boolean;
}

const NOTHING: SegmentCount = { condition: null, count: null, error: null, running: false };

/**
 * The live count of a segment condition as it is typed: asked once the text has stopped changing
 * for a moment, keeping the answer to the latest request only. The server refuses a condition
 * that does not compile with a GraphQL error carrying the checker's message (the query answers
 * a plain number, so there is no payload to put it in); that message is the `error`.
 */
export function useSegmentCount(condition: string): SegmentCount {
  const { t } = useTranslation();
  const client = useClient();
  const wanted = condition.trim();
  const settled = useDebouncedValue(wanted, COUNT_DEBOUNCE_MS);
  const [answer, setAnswer] = useState<SegmentCount>(NOTHING);
  const latest = useRef(0);

  useEffect(() => {
    const seq = ++latest.current;
    if (!settled) {
      setAnswer(NOTHING);
      return;
    }
    void client
      .query(CountSegmentMatchesQuery, { condition: settled }, { requestPolicy: 'network-only' })
      .toPromise()
      .then((result) => {
        // A slower answer to an older condition must not overwrite a newer one.
        if (seq !== latest.current) return;
        if (result.error) {
          setAnswer({ condition: settled, count: null, error: describeError(result.error, t), running: false });
        } else {
          const count = result.data?.countSegmentMatches;
          setAnswer({
            condition: settled,
            count: typeof count === 'number' ? count : null,
            error: typeof count === 'number' ? null : t('common.unexpected'),
            running: false,
          });
        }
      });
  }, [client, settled, t]);

  if (!wanted) return NOTHING;
  return { ...answer, running: answer.condition !== wanted };
}
