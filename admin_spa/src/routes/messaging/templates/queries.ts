import { graphql } from '../../../gql';

export const MessageTemplateFields = graphql(`
  fragment MessageTemplateFields on MessageTemplate {
    id
    name
    title
    purpose
    content
    channels
    updatedAt
  }
`);

export const MessageTemplatesQuery = graphql(`
  query MessageTemplates {
    messageTemplates {
      ...MessageTemplateFields
    }
  }
`);

export const MessageTemplateEditorQuery = graphql(`
  query MessageTemplateEditor {
    templateVariables {
      name
      description
    }
    messagingSettings {
      purposes
    }
  }
`);

export const PreviewMessageQuery = graphql(`
  query PreviewMessage($template: String, $content: JSON, $memberId: ID!) {
    previewMessage(template: $template, content: $content, memberId: $memberId) {
      channel
      body
      fields
      problems
    }
  }
`);

export const SaveMessageTemplateMutation = graphql(`
  mutation SaveMessageTemplate($input: SaveMessageTemplateInput!) {
    saveMessageTemplate(input: $input) {
      template {
        ...MessageTemplateFields
      }
      errors {
        code
        field
        message
      }
    }
  }
`);

export const DeleteMessageTemplateMutation = graphql(`
  mutation DeleteMessageTemplate($id: ID!) {
    deleteMessageTemplate(id: $id) {
      template {
        id
      }
      errors {
        code
        field
        message
      }
    }
  }
`);
