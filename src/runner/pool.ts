/** How one item of a pool run ended. */
export type PoolOutcome<R> =
  | { status: 'ok'; value: R }
  /** It threw (`error`), or it returned a value that `isFailure` calls one (`value`). */
  | { status: 'failed'; error?: unknown; value?: R }
  /** Never started: an earlier item failed (and the run stops on failure) or the run was interrupted. */
  | { status: 'skipped' };

export interface PoolOptions<T, R> {
  /** At most this many items run at once (at least 1). */
  concurrency: number;
  /** After the first failure start nothing new; the running items finish. */
  stopOnFailure: boolean;
  /** A value that counts as a failure (validate's problems), for `stopOnFailure` and the outcome. */
  isFailure?: (value: R) => boolean;
  /** Start nothing new once aborted. */
  signal?: AbortSignal;
  /** Each item as it ends, in the order they end. */
  onSettled?: (item: T, outcome: PoolOutcome<R>, index: number) => void;
}

/** Runs `work` on every item, at most `concurrency` at a time; the outcomes in the items' order. Never rejects. */
export async function runPool<T, R>(items: readonly T[], options: PoolOptions<T, R>, work: (item: T, index: number) => Promise<R>): Promise<PoolOutcome<R>[]> {
  const outcomes: PoolOutcome<R>[] = items.map(() => ({ status: 'skipped' }));
  let next = 0;
  let failed = false;
  const worker = async () => {
    while (next < items.length && !(failed && options.stopOnFailure) && options.signal?.aborted !== true) {
      const index = next++;
      const item = items[index]!;
      let outcome: PoolOutcome<R>;
      try {
        const value = await work(item, index);
        failed ||= options.isFailure?.(value) === true;
        outcome = options.isFailure?.(value) === true ? { status: 'failed', value } : { status: 'ok', value };
      } catch (error) {
        failed = true;
        outcome = { status: 'failed', error };
      }
      outcomes[index] = outcome;
      options.onSettled?.(item, outcome, index);
    }
  };
  const workers = Math.max(1, Math.min(Math.floor(options.concurrency), items.length));
  await Promise.all(Array.from({ length: workers }, worker));
  return outcomes;
}
