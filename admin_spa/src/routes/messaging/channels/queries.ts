import { graphql } from '../../../gql';

export const ChannelConfigFields = graphql(`
  fragment ChannelConfigFields on ChannelConfig {
    channel
    provider
    credentials
    baseUrl
    enabled
    dailyQuota
    creditBalance
    receiptToken
    updatedAt
  }
`);

export const MessagingSettingsFields = graphql(`
  fragment MessagingSettingsFields on MessagingSettings {
    purposes
    limitedPurposes
    maxPerDay
    maxPerWeek
    quietStart
    quietEnd
    fallback
  }
`);

export const ChannelSettingsQuery = graphql(`
  query ChannelSettings {
    channelProviders {
      name
      title
      channel
      credentialFields {
        name
        title
        secret
        required
        example
      }
    }
    channelConfigs {
      ...ChannelConfigFields
    }
  }
`);

export const MessagingPolicyQuery = graphql(`
  query MessagingPolicy {
    messagingSettings {
      ...MessagingSettingsFields
    }
  }
`);

export const ConfigureChannelMutation = graphql(`
  mutation ConfigureChannel($input: ConfigureChannelInput!) {
    configureChannel(input: $input) {
      config {
        ...ChannelConfigFields
      }
      errors {
        code
        field
        message
      }
    }
  }
`);

export const UpdateMessagingSettingsMutation = graphql(`
  mutation UpdateMessagingSettings($input: UpdateMessagingSettingsInput!) {
    updateMessagingSettings(input: $input) {
      settings {
        ...MessagingSettingsFields
      }
      errors {
        code
        field
        message
      }
    }
  }
`);
