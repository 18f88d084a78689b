"""The tenant's programme: how orders earn, what a point is worth, when points expire, the
return window, the points-payment cap and the tier review policy; and what an order reads of it."""
