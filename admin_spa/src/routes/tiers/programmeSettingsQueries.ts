import { graphql } from '../../gql';

export const ProgrammeSettingsQuery = graphql(`
  query ProgrammeSettings {
    pointsSettings {
      earnPointsPerYuan
      pointValueFen
      returnWindowDays
    }
  }
`);

export const UpdateProgrammeSettingsMutation = graphql(`
  mutation UpdateProgrammeSettings($input: UpdateEarningSettingsInput!) {
    updateEarningSettings(input: $input) {
      settings {
        earnPointsPerYuan
        pointValueFen
        returnWindowDays
      }
      errors {
        code
        field
        message
      }
    }
  }
`);
