import { useEffect, useMemo, useRef, useState } from 'react';
import { App, Breadcrumb, Button, Card, Form, Input, Modal, Result, Space, Spin, Tabs, Tooltip, Typography } from 'antd';
import { PauseCircleOutlined, PlayCircleOutlined, SaveOutlined } from '@ant-design/icons';
import { useTranslation } from 'react-i18next';
import { Link, useBlocker, useNavigate, useParams, useSearchParams } from 'react-router';
import { useMutation, useQuery } from 'urql';
import type { JourneyFieldsFragment } from '../../gql/graphql';
import { describeError, userErrorMessages, type UserErrorLike } from '../../api/userErrors';
import { readDefinition, stableStringify, toJson, type JourneyDefinition } from './definition';
import { JourneyBuilder } from './JourneyBuilder';
import { JourneyFunnel } from './JourneyFunnel';
import { JourneyOptionsContext, JourneyStatusTag } from './journeyFormat';
import { JourneyVersions } from './JourneyVersions';
import { movePositions } from './layout';
import { NAME_TARGET, placeProblems, type Problem } from './problems';
import { ActivateJourneyMutation, JourneyQuery, PauseJourneyMutation, SaveJourneyMutation } from './queries';
import { useDefinitionCheck } from './useDefinitionCheck';
import { useLoadedJourneyOptions } from './useJourneyOptions';
import './journeys.css';

const TABS = ['builder', 'funnel', 'versions'] as const;
type TabKey = (typeof TABS)[number];
const NEW_KEY = 'new';

function isTab(value: string | null): value is TabKey {
  return value !== null && (TABS as readonly string[]).includes(value);
}

/** /journeys/new and /journeys/:id: the builder, then (once saved) the funnel with runs and the versions. */
export default function JourneyEditorPage() {
  const { id } = useParams();
  return <JourneyLoader key={id ?? NEW_KEY} id={id ?? null} />;
}

function JourneyLoader({ id }: { id: string | null }) {
  const { t } = useTranslation();
  const [{ data, fetching, error }] = useQuery({ query: JourneyQuery, variables: { id: id ?? '' }, pause: !id });
  const options = useLoadedJourneyOptions();
  if (id && !data?.journey) {
    if (fetching) return <Spin style={{ display: 'block', marginTop: 80 }} />;
    return (
      <Result
        status={error ? 'warning' : '404'}
        title={error ? describeError(error, t) : t('journeys.notFound')}
        extra={<Link to="/journeys">{t('journeys.back')}</Link>}
      />
    );
  }
  return (
    <JourneyOptionsContext.Provider value={options}>
      <JourneyEditor saved={data?.journey ?? null} />
    </JourneyOptionsContext.Provider>
  );
}

interface Baseline {
  name: string;
  definition: string;
}

function JourneyEditor({ saved: loaded }: { saved: JourneyFieldsFragment | null }) {
  const { t } = useTranslation();
  const { message } = App.useApp();
  const navigate = useNavigate();
  const [searchParams, setSearchParams] = useSearchParams();
  const [journey, setJourney] = useState<JourneyFieldsFragment | null>(loaded);
  const [name, setName] = useState(loaded?.name ?? '');
  const [definition, setDefinition] = useState<JourneyDefinition>(() => readDefinition(loaded?.definition ?? null));
  const [baseline, setBaseline] = useState<Baseline>(() => ({
    name: loaded?.name ?? '',
    definition: loaded ? stableStringify(toJson(readDefinition(loaded.definition))) : '',
  }));
  // Problems the last save or activation reported beyond the definition (the name, a limit).
  const [actionErrors, setActionErrors] = useState<readonly UserErrorLike[]>([]);
  const [{ fetching: saving }, save] = useMutation(SaveJourneyMutation);
  const [{ fetching: activating }, activate] = useMutation(ActivateJourneyMutation);
  const [{ fetching: pausing }, pause] = useMutation(PauseJourneyMutation);

  const json = useMemo(() => toJson(definition), [definition]);
  const check = useDefinitionCheck(json);
  const stepIds = useMemo(() => new Set(Object.keys(definition.steps)), [definition]);
  const problems: Problem[] = useMemo(() => {
    const fromCheck = placeProblems(check.errors ?? [], stepIds);
    const fromAction = placeProblems(actionErrors, stepIds).filter(
      (problem) => problem.target === NAME_TARGET || problem.target === null,
    );
    return [...fromAction, ...fromCheck];
  }, [check.errors, actionErrors, stepIds]);
  const nameMessages = problems.filter((problem) => problem.target === NAME_TARGET).map((problem) => problem.message);
  const dirty = stableStringify(json) !== baseline.definition || name.trim() !== baseline.name;

  // Leaving with unsaved changes asks first.
  const leaving = useRef(false);
  const blocker = useBlocker(
    ({ currentLocation, nextLocation }) => dirty && !leaving.current && currentLocation.pathname !== nextLocation.pathname,
  );
  useEffect(() => {
    if (blocker.state !== 'blocked') return;
    Modal.confirm({
      title: t('journeys.actions.leaveTitle'),
      content: t('journeys.actions.leaveHint'),
      okText: t('journeys.actions.leave'),
      cancelText: t('common.cancel'),
      onOk: () => blocker.proceed(),
      onCancel: () => blocker.reset(),
    });
  }, [blocker, t]);

  const onDefinition = (next: JourneyDefinition) => {
    setDefinition(next);
    setActionErrors([]);
  };

  const onSave = async () => {
    setActionErrors([]);
    const result = await save({ input: { id: journey?.id ?? null, name: name.trim(), definition: json } });
    const payload = result.data?.saveJourney;
    if (result.error) {
      message.error(describeError(result.error, t));
    } else if (payload && payload.errors.length > 0) {
      setActionErrors(payload.errors);
      message.error(t('journeys.actions.saveFailed', { n: payload.errors.length }));
    } else if (payload?.journey) {
      const savedJourney = payload.journey;
      message.success(t('journeys.actions.saved', { version: savedJourney.version }));
      setJourney(savedJourney);
      setBaseline({ name: name.trim(), definition: stableStringify(json) });
      if (!journey) {
        // The arrangement made while it had no id follows it to its page.
        movePositions(NEW_KEY, savedJourney.id);
        // Saved: nothing is lost on the move to the journey's own address.
        leaving.current = true;
        navigate(`/journeys/${savedJourney.id}`, { replace: true });
      }
    } else {
      message.error(t('common.unexpected'));
    }
  };

  const onStatus = async (action: 'activate' | 'pause') => {
    if (!journey) return;
    setActionErrors([]);
    const result = action === 'activate' ? await activate({ id: journey.id }) : await pause({ id: journey.id });
    const payload = result.data && ('activateJourney' in result.data ? result.data.activateJourney : result.data.pauseJourney);
    if (result.error) {
      message.error(describeError(result.error, t));
    } else if (payload && payload.errors.length > 0) {
      setActionErrors(payload.errors);
      message.error(userErrorMessages(payload.errors).join('\n'));
    } else if (payload?.journey) {
      setJourney(payload.journey);
      message.success(action === 'activate' ? t('journeys.actions.activated') : t('journeys.actions.paused'));
    }
  };

  const requested = searchParams.get('tab');
  const activeTab: TabKey = journey && isTab(requested) ? requested : 'builder';
  const showTab = (key: string) =>
    setSearchParams(
      (current) => {
        const next = new URLSearchParams(current);
        next.set('tab', key);
        return next;
      },
      { replace: true },
    );

  const published = journey !== null && journey.activeVersion === journey.version && journey.status === 'ACTIVE';
  const activateHint = !journey
    ? t('journeys.actions.saveFirst')
    : dirty
      ? t('journeys.actions.saveFirst')
      : published
        ? t('journeys.actions.upToDate')
        : null;
  const builder = (
    <JourneyBuilder
      positionsKey={journey?.id ?? NEW_KEY}
      definition={definition}
      onChange={onDefinition}
      problems={problems}
      checking={check.checking}
      failure={check.failure}
    />
  );

  return (
    <Space direction="vertical" size="middle" style={{ width: '100%' }}>
      <Breadcrumb
        items={[
          { title: <Link to="/journeys">{t('journeys.back')}</Link> },
          { title: journey ? journey.name : t('journeys.newTitle') },
        ]}
      />
      <Card
        title={
          <Space wrap>
            <span>{journey ? t('journeys.editTitle') : t('journeys.newTitle')}</span>
            {journey && <JourneyStatusTag status={journey.status} />}
            {journey && (
              <Typography.Text type="secondary" style={{ fontSize: 13 }} data-testid="journey-version">
                {t('journeys.versionLine', { version: journey.version })}
                {' · '}
                {journey.activeVersion
                  ? t('journeys.activeVersionLine', { version: journey.activeVersion })
                  : t('journeys.notPublished')}
              </Typography.Text>
            )}
            {dirty && journey && (
              <Typography.Text type="warning" style={{ fontSize: 13 }} data-testid="journey-dirty">
                {t('journeys.actions.unsaved')}
              </Typography.Text>
            )}
          </Space>
        }
        extra={
          <Space wrap>
            <Button
              type="primary"
              icon={<SaveOutlined />}
              loading={saving}
              disabled={journey !== null && !dirty}
              onClick={() => void onSave()}
              data-testid="journey-save"
            >
              {t('journeys.actions.save')}
            </Button>
            <Tooltip title={activateHint}>
              <Button
                icon={<PlayCircleOutlined />}
                loading={activating}
                disabled={activateHint !== null}
                onClick={() => void onStatus('activate')}
                data-testid="journey-activate"
              >
                {journey?.status === 'PAUSED' && journey.activeVersion === journey.version
                  ? t('journeys.actions.resume')
                  : t('journeys.actions.activate')}
              </Button>
            </Tooltip>
            {journey?.status === 'ACTIVE' && (
              <Button
                icon={<PauseCircleOutlined />}
                loading={pausing}
                onClick={() => void onStatus('pause')}
                data-testid="journey-pause"
              >
                {t('journeys.actions.pause')}
              </Button>
            )}
          </Space>
        }
      >
        <Form layout="vertical" component="div">
          <Form.Item
            label={t('journeys.fields.name')}
            required
            validateStatus={nameMessages.length > 0 ? 'error' : undefined}
            help={nameMessages.length > 0 ? nameMessages.join(' ') : undefined}
            style={{ maxWidth: 480, marginBottom: 12 }}
          >
            <Input
              value={name}
              onChange={(event) => {
                setName(event.target.value);
                setActionErrors([]);
              }}
              placeholder={t('journeys.namePlaceholder')}
              maxLength={100}
              autoComplete="off"
              data-testid="journey-name"
            />
          </Form.Item>
        </Form>
        {journey ? (
          <Tabs
            activeKey={activeTab}
            onChange={showTab}
            data-testid="journey-tabs"
            items={TABS.map((key) => ({
              key,
              label: <span data-testid={`journey-tab-${key}`}>{t(`journeys.tabs.${key}`)}</span>,
              children:
                key !== activeTab ? null : key === 'builder' ? (
                  builder
                ) : key === 'funnel' ? (
                  <JourneyFunnel journeyId={journey.id} revision={journey.updatedAt} />
                ) : (
                  <JourneyVersions journeyId={journey.id} revision={journey.updatedAt} />
                ),
            }))}
          />
        ) : (
          builder
        )}
      </Card>
    </Space>
  );
}
