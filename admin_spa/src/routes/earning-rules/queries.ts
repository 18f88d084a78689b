import { graphql } from '../../gql';

export const EarningRuleKindsQuery = graphql(`
  query EarningRuleKinds {
    earningRuleKinds {
      name
      stage
      description
      plugin
      storable
      params {
        name
        type
        description
        required
        minimum
        maximum
      }
    }
  }
`);

export const EarningRuleFields = graphql(`
  fragment EarningRuleFields on EarningRule {
    id
    name
    kind
    params
    priority
    enabled
    available
    createdAt
    updatedAt
  }
`);

export const EarningRulesQuery = graphql(`
  query EarningRules {
    earningRules {
      ...EarningRuleFields
    }
  }
`);

export const CreateEarningRuleMutation = graphql(`
  mutation CreateEarningRule($input: CreateEarningRuleInput!) {
    createEarningRule(input: $input) {
      rule {
        ...EarningRuleFields
      }
      errors {
        code
        field
        message
      }
    }
  }
`);

export const UpdateEarningRuleMutation = graphql(`
  mutation UpdateEarningRule($id: ID!, $input: UpdateEarningRuleInput!) {
    updateEarningRule(id: $id, input: $input) {
      rule {
        ...EarningRuleFields
      }
      errors {
        code
        field
        message
      }
    }
  }
`);

export const DeleteEarningRuleMutation = graphql(`
  mutation DeleteEarningRule($id: ID!) {
    deleteEarningRule(id: $id) {
      deletedId
      errors {
        code
        field
        message
      }
    }
  }
`);

export const PreviewOrderMutation = graphql(`
  mutation PreviewOrder($input: PreviewOrderInput!) {
    previewOrder(input: $input) {
      preview {
        pointsEarned
        exactPoints
        cashPaid
        availableAt
        rules {
          ...AppliedRuleFields
        }
      }
      errors {
        code
        field
        message
      }
    }
  }
`);

export const EarningSettingsQuery = graphql(`
  query EarningSettings {
    pointsSettings {
      earnPointsPerYuan
      returnWindowDays
    }
  }
`);
