import { graphql } from '../gql';

export const ViewerQuery = graphql(`
  query Viewer {
    viewer {
      tenant {
        id
        slug
        name
        timezone
        currency
      }
      staff {
        id
        email
        name
        role
        mustChangePassword
      }
      permissions
    }
  }
`);

export const LogoutMutation = graphql(`
  mutation Logout {
    logout {
      ok
      errors {
        code
        message
      }
    }
  }
`);
