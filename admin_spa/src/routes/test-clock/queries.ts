import { graphql } from '../../gql';

export const TestClockQuery = graphql(`
  query TestClock {
    viewer {
      tenant {
        id
        testClock {
          frozenTime
          status
        }
      }
    }
  }
`);

export const AdvanceTestClockMutation = graphql(`
  mutation AdvanceTestClock($to: DateTime!) {
    advanceTestClock(to: $to) {
      testClock {
        frozenTime
        status
      }
      errors {
        code
        field
        message
      }
    }
  }
`);
