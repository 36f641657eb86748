import { useCallback, useState } from 'react';
import { ApiProblem } from './api.js';

/**
 * Run an API task and keep the problem it answered with (shown with ErrorNotice); anything that
 * is not an API problem is thrown on.
 */
export function useProblem(): {
  problem: ApiProblem | undefined;
  run: (task: () => Promise<void>) => Promise<void>;
} {
  const [problem, setProblem] = useState<ApiProblem | undefined>();
  const run = useCallback(async (task: () => Promise<void>) => {
    setProblem(undefined);
    try {
      await task();
    } catch (error) {
      if (error instanceof ApiProblem) setProblem(error);
      else throw error;
    }
  }, []);
  return { problem, run };
}
