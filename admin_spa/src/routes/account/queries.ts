import { graphql } from '../../gql';

export const ChangeMyPasswordMutation = graphql(`
  mutation ChangeMyPassword($currentPassword: String!, $newPassword: String!) {
    changeMyPassword(currentPassword: $currentPassword, newPassword: $newPassword) {
      token
      staff {
        id
        mustChangePassword
      }
      errors {
        code
        field
        message
      }
    }
  }
`);
