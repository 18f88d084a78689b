import { useCallback, useEffect, useMemo, useRef, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { useMutation } from 'urql';
import type { CounterPreviewMutation as CounterPreviewData, PreviewOrderInput } from '../../gql/graphql';
import { describeError, type UserErrorLike } from '../../api/userErrors';
import { useLivePreview } from '../../hooks/useLivePreview';
import { CounterPreviewMutation, CounterRecordOrderMutation } from './queries';
import { previewInput, recordInput, saleErrors, sentLineKeys, type SaleDraft, type SaleErrors } from './sale';
import type { Preview } from './SalePreview';
import type { RecordedOrder } from './SaleResult';

interface RecordOutcome {
  /** The sale as it was sent; the outcome is shown while the sale stays the same. */
  key: string;
  errors: readonly UserErrorLike[];
  failure: string | null;
}

export interface SaleCheckout {
  /** The sale as the preview took it; null until there is a member and an amount. */
  input: PreviewOrderInput | null;
  preview: Preview | null;
  running: boolean;
  /** The preview's problems and recordOrder's errors, by field. */
  errors: SaleErrors;
  /** Those that belong to no field, and failed requests. */
  messages: string[];
  canConfirm: boolean;
  recording: boolean;
  confirm: () => Promise<void>;
  /** Confirm as soon as the preview has caught up with what was typed (Enter in a field). */
  confirmWhenReady: () => void;
  /** Forget a refused attempt (a new sale starts). */
  reset: () => void;
}

const NO_ERRORS: SaleErrors = saleErrors([], [], []);
const NO_USER_ERRORS: readonly UserErrorLike[] = [];

function previewPayload(data: CounterPreviewData) {
  return data.previewOrder;
}

/**
 * A sale on its way to being recorded: previewed as it is entered, with every reason it would be
 * refused put by its field, and recorded under `saleNumber` (the same number on a retry, so that a
 * lost answer never records it twice).
 */
export function useSaleCheckout(
  memberId: string | null,
  sale: SaleDraft,
  saleNumber: string,
  onRecorded: (order: RecordedOrder, input: PreviewOrderInput) => void,
): SaleCheckout {
  const { t } = useTranslation();
  const [{ fetching: recording }, record] = useMutation(CounterRecordOrderMutation);
  const [recordOutcome, setRecordOutcome] = useState<RecordOutcome | null>(null);
  const [submitWhenReady, setSubmitWhenReady] = useState(false);

  const input = previewInput(memberId, sale);
  const requestKey = input ? JSON.stringify(input) : null;
  const { outcome, running } = useLivePreview(CounterPreviewMutation, input, previewPayload);
  const preview = outcome?.preview ?? null;

  // Sorted by field once the preview answers the sale as it is; meanwhile the last ones stay.
  const recordErrors = useMemo(
    () => (recordOutcome && recordOutcome.key === requestKey ? recordOutcome.errors : NO_USER_ERRORS),
    [recordOutcome, requestKey],
  );
  const codesKey = sale.couponCodes.join(',');
  const lineKeys = sentLineKeys(sale.lines).join(',');
  const settledErrors = useMemo(
    () =>
      running
        ? null
        : saleErrors(
            [...(outcome?.preview?.problems ?? []), ...(outcome?.errors ?? []), ...recordErrors],
            codesKey ? codesKey.split(',') : [],
            lineKeys ? lineKeys.split(',').map(Number) : [],
          ),
    [running, outcome, recordErrors, codesKey, lineKeys],
  );
  const [lastErrors, setLastErrors] = useState<SaleErrors>(NO_ERRORS);
  useEffect(() => {
    if (settledErrors) setLastErrors(settledErrors);
  }, [settledErrors]);
  const errors = settledErrors ?? lastErrors;
  const messages = [
    ...(outcome?.failure && input ? [outcome.failure] : []),
    ...(recordOutcome?.failure && recordOutcome.key === requestKey ? [recordOutcome.failure] : []),
    ...errors.other,
  ];

  const canConfirm =
    !!input &&
    !running &&
    !recording &&
    !!preview &&
    preview.problems.length === 0 &&
    (outcome?.errors.length ?? 0) === 0 &&
    !outcome?.failure;

  const confirm = async () => {
    if (!input || !requestKey || !canConfirm) return;
    const result = await record({ input: recordInput(saleNumber, input) });
    const payload = result.data?.recordOrder;
    if (payload?.order) {
      onRecorded(payload.order, input);
      return;
    }
    setRecordOutcome({
      key: requestKey,
      errors: payload?.errors ?? [],
      failure: result.error ? t('counter.recordFailed', { reason: describeError(result.error, t) }) : null,
    });
  };
  const confirmRef = useRef(confirm);
  useEffect(() => {
    confirmRef.current = confirm;
  });

  useEffect(() => {
    if (!submitWhenReady || running) return;
    setSubmitWhenReady(false);
    if (canConfirm) void confirmRef.current();
  }, [submitWhenReady, running, canConfirm]);

  const confirmWhenReady = useCallback(() => setSubmitWhenReady(true), []);
  const reset = useCallback(() => {
    setRecordOutcome(null);
    setSubmitWhenReady(false);
  }, []);

  return {
    input,
    preview,
    running,
    errors,
    messages,
    canConfirm,
    recording,
    confirm,
    confirmWhenReady,
    reset,
  };
}
