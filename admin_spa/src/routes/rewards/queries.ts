import { graphql } from '../../gql';

export const RewardFields = graphql(`
  fragment RewardFields on Reward {
    id
    name
    pointsCost
    stock
    perMemberLimit
    redeemedCount
    active
    couponTemplate {
      id
      name
    }
  }
`);

export const RewardsQuery = graphql(`
  query Rewards {
    rewards {
      ...RewardFields
    }
  }
`);

export const RewardCouponTemplatesQuery = graphql(`
  query RewardCouponTemplates {
    couponTemplates {
      id
      name
    }
  }
`);

export const CreateRewardMutation = graphql(`
  mutation CreateReward($input: CreateRewardInput!) {
    createReward(input: $input) {
      reward {
        ...RewardFields
      }
      errors {
        code
        field
        message
      }
    }
  }
`);

export const UpdateRewardMutation = graphql(`
  mutation UpdateReward($id: ID!, $input: UpdateRewardInput!) {
    updateReward(id: $id, input: $input) {
      reward {
        ...RewardFields
      }
      errors {
        code
        field
        message
      }
    }
  }
`);
