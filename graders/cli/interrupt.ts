// Ctrl-C while a command grades: abort the work so it stops the submission and deletes the run's
// topics, then let the command exit 130. A second Ctrl-C exits at once; the supervisor's exit hook
// still kills the submission's process group.
export async function withInterrupt<T>(task: (signal: AbortSignal) => Promise<T>): Promise<T | undefined> {
  const controller = new AbortController();
  const onSignal = (signal: NodeJS.Signals) => {
    if (controller.signal.aborted) process.exit(130);
    process.stderr.write(`\n${signal}: stopping the submission and deleting the run's topics (Ctrl-C again to quit at once)\n`);
    controller.abort(new Error(`interrupted by ${signal}`));
  };
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);
  try {
    return await task(controller.signal);
  } catch (err) {
    if (controller.signal.aborted) return undefined;
    throw err;
  } finally {
    process.off('SIGINT', onSignal);
    process.off('SIGTERM', onSignal);
  }
}
