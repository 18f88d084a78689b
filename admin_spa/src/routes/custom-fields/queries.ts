import { graphql } from '../../gql';

export const CustomFieldDefinitionFields = graphql(`
  fragment CustomFieldDefinitionFields on CustomFieldDefinition {
    id
    key
    label
    type
    required
    pii
    options
    position
  }
`);

export const CustomFieldDefinitionsQuery = graphql(`
  query CustomFieldDefinitions {
    customFieldDefinitions {
      ...CustomFieldDefinitionFields
    }
  }
`);

export const CreateCustomFieldDefinitionMutation = graphql(`
  mutation CreateCustomFieldDefinition($input: CreateCustomFieldDefinitionInput!) {
    createCustomFieldDefinition(input: $input) {
      definition {
        ...CustomFieldDefinitionFields
      }
      errors {
        code
        field
        message
      }
    }
  }
`);

export const UpdateCustomFieldDefinitionMutation = graphql(`
  mutation UpdateCustomFieldDefinition($id: ID!, $input: UpdateCustomFieldDefinitionInput!) {
    updateCustomFieldDefinition(id: $id, input: $input) {
      definition {
        ...CustomFieldDefinitionFields
      }
      errors {
        code
        field
        message
      }
    }
  }
`);

export const DeleteCustomFieldDefinitionMutation = graphql(`
  mutation DeleteCustomFieldDefinition($id: ID!) {
    deleteCustomFieldDefinition(id: $id) {
      deletedId
      errors {
        code
        field
        message
      }
    }
  }
`);
