import { graphql } from '../../gql';

export const LoginMutation = graphql(`
  mutation Login($tenantSlug: String!, $email: String!, $password: String!) {
    login(tenantSlug: $tenantSlug, email: $email, password: $password) {
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
