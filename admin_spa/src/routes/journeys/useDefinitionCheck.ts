import { useEffect, useRef, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { useClient } from 'urql';
import { describeError, type UserErrorLike } from '../../api/userErrors';
import { useDebouncedValue } from '../../hooks/useDebouncedValue';
import { CheckJourneyDefinitionQuery } from './queries';

const CHECK_DEBOUNCE_MS = 400;

export interface DefinitionCheck {
  /** The problems the server found in the latest definition it answered for; null before the first answer. */
  errors: readonly UserErrorLike[] | null;
  /** A check is waiting for the definition to settle or for its answer. */
  checking: boolean;
  /** Why the check itself failed (network, server), ready to show. */
  failure: string | null;
}

/**
 * Asks checkJourneyDefinition about `definition` each time it has stopped changing for a moment,
 * keeping the answer to the latest request only (a slow answer never overwrites a newer one).
 */
export function useDefinitionCheck(definition: Record<string, unknown>): DefinitionCheck {
  const { t } = useTranslation();
  const client = useClient();
  const key = JSON.stringify(definition);
  const debounced = useDebouncedValue(key, CHECK_DEBOUNCE_MS);
  const [answer, setAnswer] = useState<{ key: string; errors: readonly UserErrorLike[] | null; failure: string | null }>({
    key: '',
    errors: null,
    failure: null,
  });
  const latest = useRef(0);

  useEffect(() => {
    const seq = ++latest.current;
    void client
      .query(CheckJourneyDefinitionQuery, { definition: JSON.parse(debounced) as unknown }, { requestPolicy: 'network-only' })
      .toPromise()
      .then((result) => {
        if (seq !== latest.current) return;
        if (result.error) setAnswer({ key: debounced, errors: null, failure: describeError(result.error, t) });
        else setAnswer({ key: debounced, errors: result.data?.checkJourneyDefinition ?? [], failure: null });
      });
  }, [client, debounced, t]);

  return { errors: answer.errors, checking: answer.key !== key, failure: answer.failure };
}
