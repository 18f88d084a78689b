import { useCallback, useEffect, useMemo, useState } from 'react';
import {
  Background,
  Controls,
  MarkerType,
  Panel,
  ReactFlow,
  ReactFlowProvider,
  applyNodeChanges,
  useReactFlow,
  useStoreApi,
  type Connection,
  type Edge,
  type IsValidConnection,
  type NodeChange,
  type OnDelete,
  type OnNodeDrag,
} from '@xyflow/react';
import '@xyflow/react/dist/style.css';
import './journeys.css';
import { Button } from 'antd';
import { ApartmentOutlined } from '@ant-design/icons';
import { useTranslation } from 'react-i18next';
import {
  END,
  clearLink,
  removeStep,
  setLink,
  stepLinks,
  type JourneyDefinition,
  type LinkField,
} from './definition';
import { ENTRY_HANDLE, NODE_TYPES, type JourneyFlowNode } from './JourneyNodes';
import { END_NODE, NODE_WIDTH, TRIGGER_NODE, layeredLayout, storePositions, storedPositions, type FlowDirection, type Point } from './layout';
import type { Problem } from './problems';

interface Props {
  /** Where dragged positions are remembered in this browser: the journey's id, or 'new'. */
  positionsKey: string;
  definition: JourneyDefinition;
  problems: Map<string, Problem[]>;
  selected: string | null;
  onSelect: (node: string | null) => void;
  onChange: (definition: JourneyDefinition) => void;
  /** False: the canvas is only looked at (nothing connects, moves or is deleted). */
  editable?: boolean;
  /** A new value (the panel beside it opened or closed) fits the journey to the view again. */
  fitKey?: string;
  direction: FlowDirection;
}

type EdgeData = { source: string | null; link: LinkField | null };
type JourneyEdge = Edge<EdgeData>;

const NO_PROBLEMS: Problem[] = [];

/** Below this a node's words are too small to read: the view pans instead of shrinking further. */
const MIN_READABLE_ZOOM = 0.75;
const CANVAS_PADDING = 24;

const LINK_COLORS: Partial<Record<LinkField, string>> = {
  then: '#52c41a',
  else: '#ff7a45',
  onEvent: '#1677ff',
  onTimeout: '#faad14',
};

/** The journey as a graph: the trigger, a node per step, the end; edges labelled by link. */
export function JourneyCanvas(props: Props) {
  return (
    <ReactFlowProvider>
      <Canvas {...props} />
    </ReactFlowProvider>
  );
}

function Canvas({
  positionsKey,
  definition,
  problems,
  selected,
  onSelect,
  onChange,
  editable = true,
  fitKey = '',
  direction,
}: Props) {
  const { t } = useTranslation();
  const flow = useReactFlow();
  const [positions, setPositions] = useState<Record<string, Point>>(() => storedPositions(positionsKey, direction));
  const layout = useMemo(() => layeredLayout(definition, direction), [definition, direction]);

  const built = useMemo((): JourneyFlowNode[] => {
    const at = (id: string): Point => positions[id] ?? layout[id] ?? { x: 0, y: 0 };
    const nodes: JourneyFlowNode[] = [
      {
        id: TRIGGER_NODE,
        type: 'trigger',
        position: at(TRIGGER_NODE),
        deletable: false,
        selected: selected === TRIGGER_NODE,
        data: { trigger: definition.trigger, problems: problems.get(TRIGGER_NODE) ?? NO_PROBLEMS, direction },
      },
    ];
    for (const [stepId, step] of Object.entries(definition.steps)) {
      nodes.push({
        id: stepId,
        type: 'step',
        position: at(stepId),
        deletable: editable,
        selected: selected === stepId,
        data: { stepId, step, problems: problems.get(stepId) ?? NO_PROBLEMS, direction },
      });
    }
    nodes.push({ id: END_NODE, type: 'end', position: at(END_NODE), deletable: false, selectable: false, data: { direction } });
    return nodes;
  }, [definition, problems, positions, layout, selected, editable, direction]);

  // React Flow measures the nodes it is given; the measures are kept while the definition changes.
  const [nodes, setNodes] = useState<JourneyFlowNode[]>(built);
  useEffect(() => {
    setNodes((previous) => {
      const measured = new Map(previous.map((node) => [node.id, node.measured]));
      return built.map((node) => ({ ...node, measured: measured.get(node.id) }));
    });
  }, [built]);

  const edges = useMemo((): JourneyEdge[] => {
    const list: JourneyEdge[] = [];
    const arrow = { type: MarkerType.ArrowClosed };
    if (definition.entry in definition.steps) {
      list.push({
        id: 'entry',
        source: TRIGGER_NODE,
        sourceHandle: ENTRY_HANDLE,
        target: definition.entry,
        markerEnd: arrow,
        deletable: editable,
        data: { source: null, link: null },
      });
    }
    for (const [stepId, step] of Object.entries(definition.steps)) {
      for (const [link, target] of stepLinks(step)) {
        const to = target === END ? END_NODE : target;
        if (to !== END_NODE && !(to in definition.steps)) continue;
        const color = LINK_COLORS[link];
        list.push({
          id: `${stepId}:${link}`,
          source: stepId,
          sourceHandle: link,
          target: to,
          type: 'smoothstep',
          label: t(`journeys.links.${link}`),
          labelBgPadding: [4, 2],
          labelStyle: { fontSize: 12 },
          style: color ? { stroke: color } : undefined,
          markerEnd: color ? { ...arrow, color } : arrow,
          deletable: editable,
          data: { source: stepId, link },
        });
      }
    }
    return list;
  }, [definition, editable, t]);

  // Fits the journey to the view, but never so small that a node cannot be read: a long journey
  // then starts at its trigger and the rest is panned to.
  // The journey sits at the top of the canvas, which is taller than a short journey needs.
  const fit = useCallback(async () => {
    await flow.fitView({ padding: 0.15, maxZoom: 1.1, minZoom: MIN_READABLE_ZOOM });
    const { x, zoom } = flow.getViewport();
    const nodes = flow.getNodes();
    if (nodes.length === 0) return;
    const top = Math.min(...nodes.map((node) => node.position.y));
    const y = CANVAS_PADDING - top * zoom;
    const trigger = flow.getInternalNode(TRIGGER_NODE);
    const clamped = zoom <= MIN_READABLE_ZOOM + 0.001 && trigger !== undefined;
    if (clamped && direction === 'LR') {
      await flow.setViewport({ x: CANVAS_PADDING - trigger.internals.positionAbsolute.x * zoom, y, zoom });
    } else {
      await flow.setViewport({ x, y, zoom });
    }
  }, [flow, direction]);

  // A new step may land outside the view: show the journey again when the steps change.
  const stepKey = Object.keys(definition.steps).sort().join(',');
  useEffect(() => {
    const timer = window.setTimeout(() => void fit(), 80);
    return () => window.clearTimeout(timer);
  }, [stepKey, fit]);

  // The panel beside the canvas narrows it: the selected node is brought back into view if hidden.
  // Once the panel closes, the journey is shown whole again.
  const store = useStoreApi<JourneyFlowNode, JourneyEdge>();
  const hasSelection = selected !== null;
  useEffect(() => {
    if (hasSelection) return;
    const timer = window.setTimeout(() => void fit(), 80);
    return () => window.clearTimeout(timer);
  }, [fitKey, hasSelection, fit]);
  useEffect(() => {
    if (!selected) return;
    const timer = window.setTimeout(() => {
      const node = flow.getInternalNode(selected);
      if (!node) return;
      const { width, height } = store.getState();
      const { x, y, zoom } = flow.getViewport();
      const at = node.internals.positionAbsolute;
      const w = node.measured.width ?? NODE_WIDTH;
      const h = node.measured.height ?? 60;
      const left = at.x * zoom + x;
      const top = at.y * zoom + y;
      const margin = 16;
      if (left < margin || top < margin || left + w * zoom > width - margin || top + h * zoom > height - margin) {
        void flow.setCenter(at.x + w / 2, at.y + h / 2, { zoom, duration: 200 });
      }
    }, 120);
    return () => window.clearTimeout(timer);
  }, [selected, fitKey, flow, store]);

  const onNodesChange = useCallback((changes: NodeChange<JourneyFlowNode>[]) => {
    // Removal and selection go through the definition and `selected`; the rest is the canvas's own.
    const own = changes.filter((change) => change.type !== 'remove' && change.type !== 'select');
    if (own.length > 0) setNodes((current) => applyNodeChanges(own, current));
  }, []);

  const onNodeDragStop: OnNodeDrag<JourneyFlowNode> = useCallback(
    (_event, _node, dragged) => {
      setPositions((current) => {
        const next = { ...current };
        for (const node of dragged) next[node.id] = { x: node.position.x, y: node.position.y };
        storePositions(positionsKey, direction, next);
        return next;
      });
    },
    [positionsKey, direction],
  );

  const onConnect = useCallback(
    (connection: Connection) => {
      const target = connection.target === END_NODE ? END : connection.target;
      if (connection.source === TRIGGER_NODE) onChange(setLink(definition, null, null, target));
      else onChange(setLink(definition, connection.source, connection.sourceHandle as LinkField, target));
    },
    [definition, onChange],
  );

  const isValidConnection: IsValidConnection<JourneyEdge> = useCallback(
    (connection) => connection.target !== TRIGGER_NODE && connection.source !== END_NODE,
    [],
  );

  const onDelete: OnDelete<JourneyFlowNode, JourneyEdge> = useCallback(
    ({ nodes: removedNodes, edges: removedEdges }) => {
      let next = definition;
      for (const edge of removedEdges) {
        if (edge.data) next = clearLink(next, edge.data.source, edge.data.link);
      }
      for (const node of removedNodes) {
        if (node.type === 'step') next = removeStep(next, node.id);
      }
      if (next !== definition) onChange(next);
      if (removedNodes.some((node) => node.id === selected)) onSelect(null);
    },
    [definition, onChange, onSelect, selected],
  );

  const relayout = () => {
    setPositions({});
    storePositions(positionsKey, direction, {});
    window.setTimeout(() => void fit(), 80);
  };

  return (
    <div className="journey-canvas" data-testid="journey-canvas">
      <ReactFlow<JourneyFlowNode, JourneyEdge>
        nodes={nodes}
        edges={edges}
        nodeTypes={NODE_TYPES}
        onNodesChange={onNodesChange}
        onNodeDragStop={onNodeDragStop}
        onConnect={onConnect}
        onDelete={onDelete}
        isValidConnection={isValidConnection}
        onNodeClick={(_event, node) => onSelect(node.id === END_NODE ? null : node.id)}
        onPaneClick={() => onSelect(null)}
        nodesConnectable={editable}
        nodesDraggable
        deleteKeyCode={editable ? ['Backspace', 'Delete'] : null}
        minZoom={0.2}
        proOptions={{ hideAttribution: true }}
      >
        <Background gap={16} />
        <Controls showInteractive={false} />
        <Panel position="bottom-right">
          <Button size="small" icon={<ApartmentOutlined />} onClick={relayout} data-testid="journey-relayout">
            {t('journeys.builder.relayout')}
          </Button>
        </Panel>
      </ReactFlow>
    </div>
  );
}
