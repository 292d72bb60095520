package io.tokenflow.service;

import io.tokenflow.market.solution.DeliverySite;

/** A feasible site with the share of the origin's served tokens the cleared split sends to it. */
public record SiteOffer(DeliverySite site, double clearedShare) {}
