import * as React from 'react';
import * as antd from 'antd';
import dayjs from 'dayjs';
import i18n from '../../i18n';
import type { Language } from '../../i18n';
import { gql, type Client, type CombinedError } from 'urql';
import { readToken } from '../../api/client';
import { describeError } from '../../api/userErrors';
import { downloadWithToken } from '../coupons/batchDownload';
import { EChart } from '../../components/EChart';

/**
 * What the admin hands a plugin's page (see plugins/admin_pages.py): its own React and Ant
 * Design, so a page needs no build step and looks like the rest of the admin; `graphql`, which
 * posts through the admin's API client with the signed-in staff member's session and resolves to
 * the answer's `data` (or throws with its errors); the UI's language; and the admin's chart
 * (`EChart`, ECharts bar and line charts with a grid, tooltip and legend), so numbers people would
 * rather see than read get a chart on a plugin's page too; and `download`, for the files a plugin's
 * HTTP routes serve with the staff member's credential, which a plain link cannot send.
 */
export interface PluginHost {
  React: typeof React;
  antd: typeof antd;
  /** The dayjs antd's date pickers take and give. */
  dayjs: typeof dayjs;
  EChart: typeof EChart;
  graphql: <T = Record<string, unknown>>(query: string, variables?: Record<string, unknown>) => Promise<T>;
  language: Language;
  /**
   * Fetches `url` (a path the API serves, like `/plugin-api/<plugin>/report.xlsx?…`) with the
   * signed-in staff member's credential and saves it as `filename`; throws with the refusal in
   * words when the server answers with an error.
   */
  download: (url: string, filename: string) => Promise<void>;
}

/** A GraphQL call of a plugin's page failed: `message` in words for people, `errors` as the server gave them. */
export class PluginGraphQLError extends Error {
  constructor(
    message: string,
    readonly errors: CombinedError['graphQLErrors'],
  ) {
    super(message);
    this.name = 'PluginGraphQLError';
  }
}

function operationOf(query: string): 'query' | 'mutation' | 'subscription' {
  const document = gql(query);
  for (const definition of document.definitions) {
    if (definition.kind === 'OperationDefinition') return definition.operation;
  }
  throw new Error('The GraphQL document has no operation.');
}

export function createHost(client: Client, language: Language): PluginHost {
  const graphql = async <T>(query: string, variables: Record<string, unknown> = {}): Promise<T> => {
    const operation = operationOf(query);
    if (operation === 'subscription') throw new Error('A plugin page cannot subscribe.');
    // A page shows what is there now: its queries always ask the server.
    const result =
      operation === 'mutation'
        ? await client.mutation(query, variables).toPromise()
        : await client.query(query, variables, { requestPolicy: 'network-only' }).toPromise();
    if (result.error) throw new PluginGraphQLError(describeError(result.error, i18n.t), result.error.graphQLErrors);
    return result.data as T;
  };
  // The session's current token, read at the click: a password change may have replaced it.
  const download = (url: string, filename: string) => downloadWithToken(url, filename, readToken(), language);
  return { React, antd, dayjs, EChart, graphql, language, download };
}
