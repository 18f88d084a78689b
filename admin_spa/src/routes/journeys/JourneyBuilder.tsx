import { useState } from 'react';
import { Alert, Button, Card, Drawer, Popconfirm, Space, Spin, Typography } from 'antd';
import { CheckCircleOutlined, DeleteOutlined } from '@ant-design/icons';
import { useTranslation } from 'react-i18next';
import { useIsNarrow } from '../../hooks/useIsNarrow';
import { STEP_TYPES, addStep, isPluginStepType, removeStep, type JourneyDefinition, type StepType } from './definition';
import { JourneyCanvas } from './JourneyCanvas';
import { STEP_ICONS, stepIcon, useJourneyOptions, useStepTitle } from './journeyFormat';
import { TRIGGER_NODE } from './layout';
import { NAME_TARGET, problemsByTarget, type Problem } from './problems';
import { StepForm } from './StepForm';
import { TriggerForm } from './TriggerForm';

interface Props {
  positionsKey: string;
  definition: JourneyDefinition;
  onChange: (definition: JourneyDefinition) => void;
  problems: readonly Problem[];
  /** The server is checking the latest change. */
  checking: boolean;
  /** Why the check could not run. */
  failure: string | null;
}

/** The palette, the canvas, the panel of the selected node and every problem the server found. */
export function JourneyBuilder({ positionsKey, definition, onChange, problems, checking, failure }: Props) {
  const { t } = useTranslation();
  const narrow = useIsNarrow();
  const { pluginSteps } = useJourneyOptions();
  const stepTitle = useStepTitle();
  const [selected, setSelected] = useState<string | null>(null);
  const byTarget = problemsByTarget(problems);
  const step = selected && selected !== TRIGGER_NODE ? definition.steps[selected] : undefined;
  const panelOpen = selected === TRIGGER_NODE || step !== undefined;

  const onAdd = (type: StepType) => {
    const added = addStep(definition, type, selected && selected !== TRIGGER_NODE ? selected : null);
    onChange(added.definition);
    setSelected(added.id);
  };

  const panelTitle =
    selected === TRIGGER_NODE
      ? t('journeys.builder.triggerPanel')
      : step && selected
        ? (
            <span>
              {stepTitle(step.type)} <span data-raw-code={selected}>{selected}</span>
            </span>
          )
        : null;

  const deleteButton =
    step && selected ? (
      <Popconfirm
        title={t('journeys.builder.deleteConfirm', { step: selected })}
        okText={t('common.delete')}
        cancelText={t('common.cancel')}
        okButtonProps={{ danger: true }}
        onConfirm={() => {
          onChange(removeStep(definition, selected));
          setSelected(null);
        }}
      >
        <Button danger size="small" icon={<DeleteOutlined />} data-testid="step-delete">
          {t('common.delete')}
        </Button>
      </Popconfirm>
    ) : null;

  const panelBody = (
    <>
      {selected === TRIGGER_NODE && (
        <TriggerForm definition={definition} problems={byTarget.get(TRIGGER_NODE)} onChange={onChange} />
      )}
      {step && selected && (
        <StepForm key={selected} stepId={selected} definition={definition} problems={byTarget.get(selected)} onChange={onChange} />
      )}
    </>
  );

  return (
    <Space direction="vertical" size="middle" style={{ width: '100%' }} data-testid="journey-builder">
      <div className="journey-palette" data-testid="journey-palette">
        <Typography.Text type="secondary">{t('journeys.builder.palette')}</Typography.Text>
        {STEP_TYPES.map((type) => (
          <Button key={type} size="small" icon={STEP_ICONS[type]} onClick={() => onAdd(type)} data-testid={`palette-${type}`}>
            {t(`journeys.steps.${type}`)}
          </Button>
        ))}
        {pluginSteps.length > 0 && (
          <Typography.Text type="secondary" data-testid="journey-plugin-palette">
            {t('journeys.builder.pluginPalette')}
          </Typography.Text>
        )}
        {pluginSteps.map(({ type, plugin, title }) =>
          isPluginStepType(type) ? (
            <Button
              key={type}
              size="small"
              icon={stepIcon(type)}
              onClick={() => onAdd(type)}
              title={`${plugin} · ${type}`}
              data-testid={`palette-${type}`}
            >
              {title}
            </Button>
          ) : null,
        )}
      </div>
      <Typography.Text type="secondary" style={{ fontSize: 12 }}>
        {t('journeys.builder.hint')}
      </Typography.Text>
      <div className="journey-workspace">
        <div className="journey-workspace-canvas">
          <JourneyCanvas
            // The arrangement differs by direction: a new direction starts from its own.
            key={narrow ? 'TB' : 'LR'}
            positionsKey={positionsKey}
            definition={definition}
            problems={byTarget}
            selected={selected}
            onSelect={setSelected}
            onChange={onChange}
            fitKey={narrow ? 'narrow' : panelOpen ? 'panel' : 'full'}
            direction={narrow ? 'TB' : 'LR'}
          />
        </div>
        {!narrow && panelOpen && (
          <Card
            size="small"
            title={panelTitle}
            extra={deleteButton}
            className="journey-panel"
            data-testid="journey-panel"
          >
            {panelBody}
          </Card>
        )}
      </div>
      <JourneyProblems problems={problems} checking={checking} failure={failure} onSelect={setSelected} />
      {narrow && (
        <Drawer
          open={panelOpen}
          title={panelTitle}
          placement="bottom"
          height="65%"
          onClose={() => setSelected(null)}
          destroyOnHidden
          extra={deleteButton}
          data-testid="journey-panel"
        >
          {panelBody}
        </Drawer>
      )}
    </Space>
  );
}

interface ProblemsProps {
  problems: readonly Problem[];
  checking: boolean;
  failure: string | null;
  onSelect: (node: string) => void;
}

/** Every problem in one list; a problem of a node selects it. */
function JourneyProblems({ problems, checking, failure, onSelect }: ProblemsProps) {
  const { t } = useTranslation();
  if (failure) return <Alert type="warning" showIcon message={t('journeys.problems.failed')} description={failure} />;
  if (problems.length === 0) {
    return checking ? (
      <Typography.Text type="secondary" data-testid="journey-checking">
        <Spin size="small" /> {t('journeys.problems.checking')}
      </Typography.Text>
    ) : (
      <Typography.Text type="success" data-testid="journey-valid">
        <CheckCircleOutlined /> {t('journeys.problems.none')}
      </Typography.Text>
    );
  }
  return (
    <Alert
      type="error"
      showIcon
      data-testid="journey-problems"
      message={
        <span>
          {t('journeys.problems.title', { n: problems.length })}
          {checking && <Spin size="small" style={{ marginInlineStart: 8 }} data-testid="journey-checking" />}
        </span>
      }
      description={
        <ul className="journey-problem-list">
          {problems.map((problem, index) => {
            const where =
              problem.target === TRIGGER_NODE
                ? t('journeys.nodes.trigger')
                : problem.target === NAME_TARGET
                  ? t('journeys.fields.name')
                  : problem.target;
            return (
              <li key={index} data-testid="journey-problem" data-target={problem.target ?? ''}>
                {where && problem.target !== NAME_TARGET ? (
                  <Button type="link" size="small" onClick={() => onSelect(problem.target!)} className="journey-problem-where">
                    {problem.target === TRIGGER_NODE ? where : <span data-raw-code={where}>{where}</span>}
                  </Button>
                ) : where ? (
                  <Typography.Text strong>{where}</Typography.Text>
                ) : null}{' '}
                {problem.message}
              </li>
            );
          })}
        </ul>
      }
    />
  );
}
