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
    mustChangePassword
    stores
    wecomUserId
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

export const DeactivateStaffMutation = graphql(`
  mutation DeactivateStaff($id: ID!) {
    deactivateStaff(id: $id) {
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

export const ReactivateStaffMutation = graphql(`
  mutation ReactivateStaff($id: ID!) {
    reactivateStaff(id: $id) {
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

export const ChangeStaffRoleMutation = graphql(`
  mutation ChangeStaffRole($id: ID!, $role: String!) {
    changeStaffRole(id: $id, role: $role) {
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

export const ResetStaffPasswordMutation = graphql(`
  mutation ResetStaffPassword($id: ID!) {
    resetStaffPassword(id: $id) {
      staff {
        ...StaffFields
      }
      temporaryPassword
      errors {
        code
        field
        message
      }
    }
  }
`);

export const AssignStaffStoresMutation = graphql(`
  mutation AssignStaffStores($id: ID!, $storeCodes: [String!]!) {
    assignStaffStores(id: $id, storeCodes: $storeCodes) {
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

export const SetStaffWecomUserIdMutation = graphql(`
  mutation SetStaffWecomUserId($id: ID!, $wecomUserId: String) {
    setStaffWecomUserId(id: $id, wecomUserId: $wecomUserId) {
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
