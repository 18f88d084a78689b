import { useMemo } from 'react';
import { useQuery } from 'urql';
import type { JourneyOptions } from './journeyFormat';
import { JourneyBuilderOptionsQuery } from './queries';

/** What the builder's forms choose from, loaded once for the editor. */
export function useLoadedJourneyOptions(): JourneyOptions {
  const [{ data }] = useQuery({ query: JourneyBuilderOptionsQuery });
  return useMemo(
    () => ({
      couponTemplates: data?.couponTemplates ?? [],
      messageTemplates: data?.messageTemplates ?? [],
      purposes: data?.messagingSettings.purposes ?? [],
      eventTypes: (data?.eventTypes ?? []).map((type) => type.type),
      tiers: (data?.tiers ?? []).map((tier) => tier.name),
      staff: (data?.assignableStaff ?? []).map((member) => ({
        id: member.id,
        label: member.name ? `${member.name} · ${member.email}` : member.email,
      })),
      webhookEndpoints: (data?.webhookEndpoints ?? []).map((endpoint) => ({
        id: endpoint.id,
        label: endpoint.description || endpoint.url,
      })),
      segments: data?.segments ?? [],
      pluginSteps: data?.journeyPluginSteps ?? [],
      pluginTriggers: data?.journeyPluginTriggers ?? [],
    }),
    [data],
  );
}
