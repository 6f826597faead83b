// Browser tests are one scenario of steps that build on each other: after a failure the rest are skipped (and say
// why) instead of timing out one by one.
import type { TestContext } from 'node:test';

export function chainedSteps(t: TestContext): (name: string, fn: () => Promise<void>) => Promise<void> {
  let broken: string | null = null;
  return (name, fn) =>
    t.test(name, { skip: broken ? `an earlier step failed: ${broken}` : false }, async () => {
      try {
        await fn();
      } catch (err) {
        broken = name;
        throw err;
      }
    });
}
