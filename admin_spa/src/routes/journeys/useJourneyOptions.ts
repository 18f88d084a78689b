import { useMemo } from 'react';
import { useQuery } from 'urql';
import { useViewer } from '../../session/ViewerProvider';
import type { JourneyOptions } from './journeyFormat';
import { JourneyBuilderOptionsQuery, JourneyStaffQuery, JourneyWebhookEndpointsQuery } from './queries';

/**
 * What the builder's forms choose from. Staff and webhook endpoints are listed only for those who
 * may read them (staff:manage, webhooks:manage); others type an id.
 */
export function useLoadedJourneyOptions(): JourneyOptions {
  const { can } = useViewer();
  const [{ data }] = useQuery({ query: JourneyBuilderOptionsQuery });
  const [{ data: staffData }] = useQuery({ query: JourneyStaffQuery, pause: !can('staff:manage') });
  const [{ data: endpointData }] = useQuery({ query: JourneyWebhookEndpointsQuery, pause: !can('webhooks:manage') });
  return useMemo(
    () => ({
      couponTemplates: data?.couponTemplates ?? [],
      messageTemplates: data?.messageTemplates ?? [],
      purposes: data?.messagingSettings.purposes ?? [],
      eventTypes: (data?.eventTypes ?? []).map((type) => type.type),
      tiers: (data?.tiers ?? []).map((tier) => tier.name),
      staff: staffData
        ? staffData.staff
            .filter((member) => member.active)
            .map((member) => ({ id: member.id, label: member.name ? `${member.name} · ${member.email}` : member.email }))
        : null,
      webhookEndpoints: endpointData
        ? endpointData.webhookEndpoints.map((endpoint) => ({ id: endpoint.id, label: endpoint.description || endpoint.url }))
        : null,
    }),
    [data, staffData, endpointData],
  );
}
