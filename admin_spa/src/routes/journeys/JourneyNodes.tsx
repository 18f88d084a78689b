import { memo } from 'react';
import { Handle, Position, type Node, type NodeProps } from '@xyflow/react';
import { FlagOutlined, ThunderboltOutlined } from '@ant-design/icons';
import { useTranslation } from 'react-i18next';
import { RawCode } from '../../components/CodeLabel';
import { linksOf, type JourneyStep, type JourneyTrigger, type LinkField } from './definition';
import { StepSummary, TriggerSummary, stepIcon, useStepTitle } from './journeyFormat';
import type { FlowDirection } from './layout';
import type { Problem } from './problems';

export type TriggerNodeData = { trigger: JourneyTrigger; problems: Problem[]; direction: FlowDirection };
export type StepNodeData = { stepId: string; step: JourneyStep; problems: Problem[]; direction: FlowDirection };
export type EndNodeData = { direction: FlowDirection };

export type TriggerFlowNode = Node<TriggerNodeData, 'trigger'>;
export type StepFlowNode = Node<StepNodeData, 'step'>;
export type EndFlowNode = Node<EndNodeData, 'end'>;
export type JourneyFlowNode = TriggerFlowNode | StepFlowNode | EndFlowNode;

/** The handle a trigger's entry edge leaves from. */
export const ENTRY_HANDLE = 'entry';

/** Where links leave a node and arrive at it. */
function sides(direction: FlowDirection): { out: Position; in: Position } {
  return direction === 'LR' ? { out: Position.Right, in: Position.Left } : { out: Position.Bottom, in: Position.Top };
}

function NodeProblems({ problems }: { problems: Problem[] }) {
  if (problems.length === 0) return null;
  return (
    <ul className="journey-node-problems">
      {problems.map((problem, index) => (
        <li key={index} title={problem.message} data-testid="journey-node-error">
          {problem.message}
        </li>
      ))}
    </ul>
  );
}

function className(selected: boolean, problems: Problem[], kind: string): string {
  return ['journey-node', `journey-node-${kind}`, selected && 'selected', problems.length > 0 && 'invalid']
    .filter(Boolean)
    .join(' ');
}

export const TriggerNode = memo(function TriggerNode({ data, selected }: NodeProps<TriggerFlowNode>) {
  const { t } = useTranslation();
  return (
    <div
      className={className(selected, data.problems, 'trigger')}
      data-testid="journey-node"
      data-node="trigger"
      data-invalid={data.problems.length > 0 ? 'true' : 'false'}
    >
      <div className="journey-node-head">
        <ThunderboltOutlined />
        <span className="journey-node-type">
          {t('journeys.nodes.trigger')} · {t(`journeys.triggers.${data.trigger.type}`)}
        </span>
      </div>
      <div className="journey-node-summary">
        <TriggerSummary trigger={data.trigger} />
      </div>
      {typeof data.trigger.if === 'string' && data.trigger.if && (
        <div className="journey-node-summary">
          <RawCode code={data.trigger.if} />
        </div>
      )}
      <NodeProblems problems={data.problems} />
      <Handle type="source" position={sides(data.direction).out} id={ENTRY_HANDLE} className="journey-handle" />
    </div>
  );
});

function handleOffset(index: number, count: number): string {
  return `${((index + 1) / (count + 1)) * 100}%`;
}

export const StepNode = memo(function StepNode({ data, selected }: NodeProps<StepFlowNode>) {
  const { t } = useTranslation();
  const title = useStepTitle();
  const links: readonly LinkField[] = linksOf(data.step.type);
  const { out, in: into } = sides(data.direction);
  const across = data.direction === 'LR' ? 'top' : 'left';
  return (
    <div
      className={className(selected, data.problems, 'step')}
      data-testid="journey-node"
      data-node={data.stepId}
      data-type={data.step.type}
      data-invalid={data.problems.length > 0 ? 'true' : 'false'}
    >
      <Handle type="target" position={into} className="journey-handle" />
      <div className="journey-node-head">
        {stepIcon(data.step.type)}
        <span className="journey-node-type">{title(data.step.type)}</span>
        <span className="journey-node-id" data-raw-code={data.stepId}>
          {data.stepId}
        </span>
      </div>
      <div className="journey-node-summary">
        <StepSummary step={data.step} />
      </div>
      <NodeProblems problems={data.problems} />
      {links.length > 1 && data.direction === 'TB' && (
        <div className="journey-node-links">
          {links.map((link) => (
            <span key={link}>{t(`journeys.links.${link}`)}</span>
          ))}
        </div>
      )}
      {links.map((link, index) => (
        <Handle
          key={link}
          type="source"
          position={out}
          id={link}
          className={`journey-handle journey-handle-${link}`}
          style={{ [across]: handleOffset(index, links.length) }}
        >
          {links.length > 1 && data.direction === 'LR' && (
            <span className="journey-handle-label">{t(`journeys.links.${link}`)}</span>
          )}
        </Handle>
      ))}
    </div>
  );
});

export const EndNode = memo(function EndNode({ data, selected }: NodeProps<EndFlowNode>) {
  const { t } = useTranslation();
  return (
    <div className={className(selected, [], 'end')} data-testid="journey-node" data-node="end">
      <Handle type="target" position={sides(data.direction).in} className="journey-handle" />
      <FlagOutlined /> {t('journeys.nodes.end')}
    </div>
  );
});

export const NODE_TYPES = { trigger: TriggerNode, step: StepNode, end: EndNode };
