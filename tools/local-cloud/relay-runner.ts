/**
 * The local host's relay nudge: a run right after a submission, never two at once; a nudge during a
 * run asks for one more run after it (the submission may have missed the claim).
 */
export function coalescingRunner(run: () => Promise<unknown>, onError: (error: unknown) => void) {
  let running: Promise<void> | undefined;
  let again = false;
  const start = (): Promise<void> =>
    (running = run()
      .then(() => undefined, onError)
      .then(() => {
        running = undefined;
        if (again) {
          again = false;
          void start();
        }
      }));
  return {
    nudge(): void {
      if (running) again = true;
      else void start();
    },
    /** Resolves when no run is going (for a clean stop). */
    async idle(): Promise<void> {
      while (running) await running;
    },
  };
}
