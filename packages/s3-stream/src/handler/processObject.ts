import type { ObjectRef } from '../types';
import type { ProcessContext } from './processContext';
import { applySkipRules } from './skipRules';
import { Skip } from './skipReasons';
import type { PipelineDefinition, ProcessResult } from './types';

/**
 * One object through every skip rule and then the function's work, as the handler runs it: a
 * skip is a result, anything else that goes wrong is thrown (the handler classifies it). Tests
 * and benchmarks drive a function's definition through this, not its core alone.
 */
export async function processObject(
  definition: PipelineDefinition,
  ref: ObjectRef,
  context: ProcessContext,
): Promise<ProcessResult> {
  try {
    const rules = await applySkipRules(ref, definition, context);
    if (rules.skipped) {
      return {
        outcome: 'skipped',
        reason: rules.skipped,
        ...(rules.output ? { output: rules.output } : {}),
      };
    }
    return await definition.process(rules.ref, context);
  } catch (thrown) {
    if (thrown instanceof Skip) return { outcome: 'skipped', reason: thrown.reason };
    throw thrown;
  }
}
