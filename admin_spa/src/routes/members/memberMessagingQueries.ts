import { graphql } from '../../gql';

export const MemberMessagesQuery = graphql(`
  query MemberMessages($id: ID!, $first: Int, $after: String) {
    member(id: $id) {
      id
      messages(first: $first, after: $after) {
        totalCount
        pageInfo {
          hasNextPage
          endCursor
        }
        edges {
          cursor
          node {
            ...MessageFields
          }
        }
      }
    }
  }
`);

export const MemberReachQuery = graphql(`
  query MemberReach($id: ID!) {
    member(id: $id) {
      id
      consents {
        channel
        purpose
        granted
        source
        recordedAt
      }
      identities {
        provider
        appId
        subject
        createdAt
      }
      subscribeCredits
    }
  }
`);

export const MemberConsentHistoryQuery = graphql(`
  query MemberConsentHistory($id: ID!, $first: Int, $after: String) {
    member(id: $id) {
      id
      consentHistory(first: $first, after: $after) {
        totalCount
        pageInfo {
          hasNextPage
          endCursor
        }
        edges {
          cursor
          node {
            id
            channel
            purpose
            granted
            source
            recordedAt
            recordedBy
          }
        }
      }
    }
  }
`);

export const ConsentPurposesQuery = graphql(`
  query ConsentPurposes {
    messagingSettings {
      purposes
    }
  }
`);

export const RecordConsentMutation = graphql(`
  mutation RecordConsent($input: RecordConsentInput!) {
    recordConsent(input: $input) {
      consent {
        channel
        purpose
        granted
        source
        recordedAt
      }
      errors {
        code
        field
        message
      }
    }
  }
`);

export const BindIdentityMutation = graphql(`
  mutation BindIdentity($input: BindIdentityInput!) {
    bindIdentity(input: $input) {
      member {
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

export const UnbindIdentityMutation = graphql(`
  mutation UnbindIdentity($input: BindIdentityInput!) {
    unbindIdentity(input: $input) {
      member {
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

export const SendMessageTemplatesQuery = graphql(`
  query SendMessageTemplates {
    messageTemplates {
      id
      name
      title
      purpose
      channels
    }
  }
`);

export const SendMessageMutation = graphql(`
  mutation SendMessage($input: SendMessageInput!) {
    sendMessage(input: $input) {
      messages {
        ...MessageFields
      }
      errors {
        code
        field
        message
      }
    }
  }
`);
