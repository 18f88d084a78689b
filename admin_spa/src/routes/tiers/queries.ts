import { graphql } from '../../gql';

export const TierFields = graphql(`
  fragment TierFields on Tier {
    id
    name
    rank
    metric
    threshold
    windowDays
    window
    pointsMultiplier
    benefits
  }
`);

export const TiersQuery = graphql(`
  query Tiers {
    tiers {
      ...TierFields
    }
  }
`);

export const CreateTierMutation = graphql(`
  mutation CreateTier($input: CreateTierInput!) {
    createTier(input: $input) {
      tier {
        ...TierFields
      }
      errors {
        code
        field
        message
      }
    }
  }
`);

export const UpdateTierMutation = graphql(`
  mutation UpdateTier($id: ID!, $input: UpdateTierInput!) {
    updateTier(id: $id, input: $input) {
      tier {
        ...TierFields
      }
      errors {
        code
        field
        message
      }
    }
  }
`);

export const DeleteTierMutation = graphql(`
  mutation DeleteTier($id: ID!) {
    deleteTier(id: $id) {
      deletedId
      errors {
        code
        field
        message
      }
    }
  }
`);

export const PointsSettingsQuery = graphql(`
  query PointsSettings {
    pointsSettings {
      expiryPolicy
      expiryPeriod
    }
    pointsExpiring(days: 30)
  }
`);

export const UpdatePointsSettingsMutation = graphql(`
  mutation UpdatePointsSettings($input: UpdatePointsSettingsInput!) {
    updatePointsSettings(input: $input) {
      settings {
        expiryPolicy
        expiryPeriod
      }
      errors {
        code
        field
        message
      }
    }
  }
`);
