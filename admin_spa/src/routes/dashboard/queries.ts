import { graphql } from '../../gql';

export const DashboardOverviewFields = graphql(`
  fragment DashboardOverviewFields on AnalyticsOverview {
    from
    until
    newMembers
    activeMembers
    orders
    revenue
    averageOrderValue
    itemsPerOrder
    repurchaseRate
    churnRate
    pointsLiability
    couponRedemptionRate
  }
`);

/** The period and the equally long one before it, in one request. */
export const DashboardOverviewQuery = graphql(`
  query DashboardOverview($from: Date!, $until: Date!, $previousFrom: Date!, $previousUntil: Date!) {
    current: analyticsOverview(from: $from, until: $until) {
      ...DashboardOverviewFields
    }
    previous: analyticsOverview(from: $previousFrom, until: $previousUntil) {
      ...DashboardOverviewFields
    }
  }
`);

export const DashboardTrendQuery = graphql(`
  query DashboardTrend($from: Date!, $until: Date!, $granularity: Granularity!) {
    memberGrowth(from: $from, until: $until, granularity: $granularity) {
      date
      value
    }
    revenueSeries(from: $from, until: $until, granularity: $granularity) {
      date
      value
    }
  }
`);

export const DashboardRfmQuery = graphql(`
  query DashboardRfm {
    rfmReport {
      asOf
      segments {
        rfmClass
        members
        share
        monetary
      }
    }
  }
`);

export const DashboardBreakdownQuery = graphql(`
  query DashboardBreakdown($from: Date!, $until: Date!) {
    tierContribution(from: $from, until: $until) {
      tier {
        id
        name
        rank
      }
      members
      revenue
      share
    }
    channelValue(from: $from, until: $until) {
      sourceChannel
      members
      activeMembers
      revenue
      averageRevenuePerMember
    }
  }
`);
