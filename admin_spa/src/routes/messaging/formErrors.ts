import type { FormInstance } from 'antd';

type Path = (string | number)[];

function leaves(value: unknown, path: Path, found: Path[]): void {
  // Values that are neither a list nor a plain object (text, numbers, times) are one field each.
  if (Array.isArray(value)) {
    value.forEach((item, index) => leaves(item, [...path, index], found));
    if (value.length === 0) found.push(path);
  } else if (value !== null && typeof value === 'object' && Object.getPrototypeOf(value) === Object.prototype) {
    for (const [key, item] of Object.entries(value as Record<string, unknown>)) leaves(item, [...path, key], found);
  } else {
    found.push(path);
  }
}

/**
 * Takes the server's error off each field the person changed (`onValuesChange`'s first
 * argument): what it said was about the value before.
 */
export function clearChangedErrors(form: FormInstance, changed: object): void {
  const paths: Path[] = [];
  leaves(changed, [], paths);
  form.setFields(paths.filter((path) => path.length > 0).map((name) => ({ name, errors: [] })));
}
