"""Analytics: the roll-up kept from the event backbone, the metrics and RFM over it, and the churn model."""
