import { userErrorMessage, type UserErrorLike } from '../../api/userErrors';
import { TRIGGER_NODE } from './layout';

/** Where a problem with the definition shows: on a node of the canvas, on the name, or above. */
export interface Problem {
  /** A step id, TRIGGER_NODE (the trigger, entry and re-entry), 'name', or null (the list only). */
  target: string | null;
  /** The field of that node the problem is about, when it names one. */
  field: string | null;
  message: string;
}

export const NAME_TARGET = 'name';

/**
 * Places each UserError by its `field` path: `["input", "definition", "steps", "s1", "if"]` (from
 * saveJourney and checkJourneyDefinition) is step s1's `if`; the trigger, `entry` and `reentry`
 * belong to the trigger node; `["input", "name"]` to the journey's name.
 */
export function placeProblems(errors: readonly UserErrorLike[], stepIds: ReadonlySet<string>): Problem[] {
  return errors.map((error) => {
    const message = userErrorMessage(error);
    let path = [...(error.field ?? [])];
    if (path[0] === 'input') path = path.slice(1);
    if (path[0] === NAME_TARGET && path.length === 1) return { target: NAME_TARGET, field: null, message };
    if (path[0] === 'definition') path = path.slice(1);
    const [head, second, third] = path;
    if (head === 'trigger') return { target: TRIGGER_NODE, field: second ?? null, message };
    if (head === 'entry' || head === 'reentry') return { target: TRIGGER_NODE, field: head, message };
    if (head === 'steps' && second && stepIds.has(second)) return { target: second, field: third ?? null, message };
    return { target: null, field: null, message };
  });
}

/** The problems of each target. */
export function problemsByTarget(problems: readonly Problem[]): Map<string, Problem[]> {
  const grouped = new Map<string, Problem[]>();
  for (const problem of problems) {
    if (problem.target === null) continue;
    grouped.set(problem.target, [...(grouped.get(problem.target) ?? []), problem]);
  }
  return grouped;
}

/** The messages about one field of a node (for its form item). */
export function fieldMessages(problems: readonly Problem[] | undefined, field: string): string[] {
  return (problems ?? []).filter((problem) => problem.field === field).map((problem) => problem.message);
}
