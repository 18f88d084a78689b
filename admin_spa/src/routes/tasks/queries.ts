import { graphql } from '../../gql';

export const TaskFields = graphql(`
  fragment TaskFields on StaffTask {
    id
    title
    note
    status
    dueAt
    overdue
    createdAt
    completedAt
    completionNote
    notifiedAt
    noticeError
    member {
      id
      name
      phone
    }
    assignee {
      id
      name
      email
    }
  }
`);

export const TasksQuery = graphql(`
  query Tasks($status: TaskStatus, $mine: Boolean!, $overdue: Boolean!, $first: Int, $after: String) {
    tasks(status: $status, mine: $mine, overdue: $overdue, first: $first, after: $after) {
      totalCount
      pageInfo {
        hasNextPage
        endCursor
      }
      edges {
        cursor
        node {
          ...TaskFields
        }
      }
    }
  }
`);

export const CompleteTaskMutation = graphql(`
  mutation CompleteTask($id: ID!, $note: String) {
    completeTask(id: $id, note: $note) {
      task {
        ...TaskFields
      }
      errors {
        code
        field
        message
      }
    }
  }
`);

export const TaskSettingsQuery = graphql(`
  query TaskSettings {
    taskSettings {
      defaultAssignee {
        id
      }
    }
    staff {
      id
      name
      email
      active
    }
  }
`);

export const SetDefaultTaskAssigneeMutation = graphql(`
  mutation SetDefaultTaskAssignee($staffId: ID) {
    setDefaultTaskAssignee(staffId: $staffId) {
      settings {
        defaultAssignee {
          id
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
