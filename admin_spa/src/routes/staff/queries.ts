import { graphql } from '../../gql';

export const StaffFields = graphql(`
  fragment StaffFields on Staff {
    id
    email
    name
    role
    active
    createdAt
    lastLoginAt
  }
`);

export const StaffListQuery = graphql(`
  query StaffList {
    staff {
      ...StaffFields
    }
  }
`);

export const CreateStaffMutation = graphql(`
  mutation CreateStaff($input: CreateStaffInput!) {
    createStaff(input: $input) {
      staff {
        ...StaffFields
      }
      errors {
        code
        field
        message
      }
    }
  }
`);
