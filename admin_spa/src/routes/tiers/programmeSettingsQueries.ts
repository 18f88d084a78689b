import { graphql } from '../../gql';

export const ProgrammeSettingsQuery = graphql(`
  query ProgrammeSettings {
    pointsSettings {
      earnPointsPerYuan
      pointValueFen
      returnWindowDays
      pointsPaymentCapPercent
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
        pointsPaymentCapPercent
      pointsPaymentCapPercent
      }
      errors {
        code
        field
        message
      }
    }
  }
`);
