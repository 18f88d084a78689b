import { END, stepLinks, type JourneyDefinition } from './definition';

/** Node ids of the canvas besides the steps (a step id starts with a letter, so these never clash). */
export const TRIGGER_NODE = '__trigger';
export const END_NODE = '__end';

export interface Point {
  x: number;
  y: number;
}

export const NODE_WIDTH = 220;

/**
 * Which way a run flows on the canvas: left to right on a wide screen (a journey is longer than
 * it is wide), top to bottom on a phone held upright.
 */
export type FlowDirection = 'LR' | 'TB';

// Distance between the starts of two layers, and between two nodes of one layer.
const SPACING: Record<FlowDirection, { layer: number; sibling: number }> = {
  LR: { layer: NODE_WIDTH + 90, sibling: 150 },
  TB: { layer: 170, sibling: NODE_WIDTH + 60 },
};

/**
 * A layered layout: the trigger in the first layer, each step one layer after the first step that
 * leads to it (breadth first), steps nothing reaches in the layer after the deepest, the end
 * last. Each layer is centred on the trigger.
 */
export function layeredLayout(definition: JourneyDefinition, direction: FlowDirection = 'LR'): Record<string, Point> {
  const depth = new Map<string, number>([[TRIGGER_NODE, 0]]);
  const rows: string[][] = [[TRIGGER_NODE]];
  const place = (id: string, row: number) => {
    depth.set(id, row);
    (rows[row] ??= []).push(id);
  };
  const queue: string[] = [];
  if (definition.entry in definition.steps) {
    place(definition.entry, 1);
    queue.push(definition.entry);
  }
  while (queue.length > 0) {
    const id = queue.shift()!;
    const row = depth.get(id)!;
    for (const [, target] of stepLinks(definition.steps[id]!)) {
      if (target === END || depth.has(target) || !(target in definition.steps)) continue;
      place(target, row + 1);
      queue.push(target);
    }
  }
  const unreached = Object.keys(definition.steps).filter((id) => !depth.has(id));
  if (unreached.length > 0) {
    const row = rows.length;
    for (const id of unreached) place(id, row);
  }
  place(END_NODE, rows.length);

  const { layer, sibling } = SPACING[direction];
  const positions: Record<string, Point> = {};
  rows.forEach((ids, row) => {
    ids.forEach((id, index) => {
      const across = (index - (ids.length - 1) / 2) * sibling;
      positions[id] = direction === 'LR' ? { x: row * layer, y: across } : { x: across, y: row * layer };
    });
  });
  return positions;
}

const POSITIONS_KEY = 'membership.admin.journeyPositions.';

function storageKey(journeyKey: string, direction: FlowDirection): string {
  return `${POSITIONS_KEY}${direction}.${journeyKey}`;
}

/** Where the merchant dragged the nodes of a journey, kept in this browser only (per direction). */
export function storedPositions(journeyKey: string, direction: FlowDirection): Record<string, Point> {
  try {
    const raw = window.localStorage.getItem(storageKey(journeyKey, direction));
    const parsed: unknown = raw ? JSON.parse(raw) : {};
    if (typeof parsed !== 'object' || parsed === null) return {};
    const positions: Record<string, Point> = {};
    for (const [id, value] of Object.entries(parsed as Record<string, unknown>)) {
      const point = value as Partial<Point> | null;
      if (point && typeof point.x === 'number' && typeof point.y === 'number') positions[id] = { x: point.x, y: point.y };
    }
    return positions;
  } catch {
    return {};
  }
}

export function storePositions(journeyKey: string, direction: FlowDirection, positions: Record<string, Point>): void {
  try {
    const key = storageKey(journeyKey, direction);
    if (Object.keys(positions).length === 0) window.localStorage.removeItem(key);
    else window.localStorage.setItem(key, JSON.stringify(positions));
  } catch {
    // A full or refused storage only loses the arrangement: the layout is computed again.
  }
}

/** Hands the arrangement made under one key (a journey before its first save) to another. */
export function movePositions(from: string, to: string): void {
  for (const direction of ['LR', 'TB'] as const) {
    storePositions(to, direction, storedPositions(from, direction));
    storePositions(from, direction, {});
  }
}
