import { useEffect, useRef, useState } from 'react';
import type { TypedDocumentNode } from '@graphql-typed-document-node/core';
import { useTranslation } from 'react-i18next';
import { useMutation } from 'urql';
import { describeError, type UserErrorLike } from '../api/userErrors';
import { useDebouncedValue } from './useDebouncedValue';

const PREVIEW_DEBOUNCE_MS = 300;

/** What a preview mutation answers: the preview, or the errors that stopped it. */
export interface PreviewPayload<Preview> {
  preview?: Preview | null;
  errors: readonly UserErrorLike[];
}

export interface PreviewOutcome<Preview> {
  /** Null when there are errors. */
  preview: Preview | null;
  errors: readonly UserErrorLike[];
  /** Why the request itself failed (network, server), ready to show. */
  failure: string | null;
}

export interface LivePreview<Preview> {
  /** The answer to the latest request; null before the first and while there is nothing to ask. */
  outcome: PreviewOutcome<Preview> | null;
  /** A request is waiting for the input to settle or for its answer. */
  running: boolean;
}

/**
 * Runs a preview mutation with `input` each time it has stopped changing for a moment, keeping
 * the answer to the latest request only. `input` null (the form cannot make a request) asks nothing.
 */
export function useLivePreview<Data, Input, Preview>(
  mutation: TypedDocumentNode<Data, { input: Input }>,
  input: Input | null,
  payloadOf: (data: Data) => PreviewPayload<Preview>,
  onOutcome?: (outcome: PreviewOutcome<Preview>) => void,
): LivePreview<Preview> {
  const { t } = useTranslation();
  const [, execute] = useMutation(mutation);
  const [outcome, setOutcome] = useState<PreviewOutcome<Preview> | null>(null);
  const [running, setRunning] = useState(false);
  // The request the outcome answers: between the input settling and the request going out there
  // is a render in which nothing runs yet, and the outcome is still the previous input's.
  const [answeredKey, setAnsweredKey] = useState<string | null>(null);
  const latest = useRef(0);
  const callbacks = useRef({ payloadOf, onOutcome });
  useEffect(() => {
    callbacks.current = { payloadOf, onOutcome };
  }, [payloadOf, onOutcome]);

  // The serialised request: a new preview runs once it has stopped changing.
  const requestKey = input === null ? null : JSON.stringify(input);
  const debouncedKey = useDebouncedValue(requestKey, PREVIEW_DEBOUNCE_MS);

  useEffect(() => {
    if (!debouncedKey) return;
    const seq = ++latest.current;
    setRunning(true);
    void execute({ input: JSON.parse(debouncedKey) as Input }).then((result) => {
      // A slower answer to an older request must not overwrite a newer one.
      if (seq !== latest.current) return;
      setRunning(false);
      setAnsweredKey(debouncedKey);
      const payload = result.data && callbacks.current.payloadOf(result.data);
      const next: PreviewOutcome<Preview> | null = result.error
        ? { preview: null, errors: [], failure: describeError(result.error, t) }
        : payload
          ? { preview: payload.errors.length > 0 ? null : (payload.preview ?? null), errors: payload.errors, failure: null }
          : null;
      if (!next) return;
      setOutcome(next);
      callbacks.current.onOutcome?.(next);
    });
  }, [debouncedKey, execute, t]);

  return {
    outcome: requestKey === null ? null : outcome,
    running: running || requestKey !== debouncedKey || (requestKey !== null && requestKey !== answeredKey),
  };
}
