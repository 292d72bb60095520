package io.tokenflow.client;

import io.tokenflow.api.v1.MenuCapGrid;
import io.tokenflow.api.v1.MenuChoice;
import io.tokenflow.api.v1.MenuTier;
import io.tokenflow.api.v1.MenuUserType;
import io.tokenflow.api.v1.MenuValueCurve;
import io.tokenflow.api.v1.MenuValuePoint;
import io.tokenflow.api.v1.TierMenuRequest;
import io.tokenflow.api.v1.TierMenuResponse;

/** TierMenu's messages to and from the SDK's records. Stateless. */
final class MenuViews {
    private MenuViews() {}

    static TierMenuRequest request(String origin, String workloadClass, MenuPopulation p) {
        TierMenuRequest.Builder b = TierMenuRequest.newBuilder().setOrigin(origin).setWorkloadClass(workloadClass)
                .setName(p.name())
                .setCaps(MenuCapGrid.newBuilder().setMin(p.caps().min()).setMax(p.caps().max()).setStep(p.caps().step()))
                // 0 is the wire's "no limit"
                .setMaxTiers(p.maxTiers().orElse(0));
        for (MenuPopulation.Type t : p.types()) {
            b.addTypes(MenuUserType.newBuilder().setId(t.id() == null ? "" : t.id()).setShare(t.share())
                    .setValuePerRequest(t.valuePerRequest()));
        }
        MenuValueCurve.Builder v = MenuValueCurve.newBuilder();
        if (p.value() instanceof MenuPopulation.Saturating s) {
            v.setKind("saturating").setScaleTokens(s.scaleTokens());
        } else if (p.value() instanceof MenuPopulation.Points pts) {
            v.setKind("points");
            for (MenuPopulation.Point point : pts.points()) {
                v.addPoints(MenuValuePoint.newBuilder().setTokens(point.tokens()).setValue(point.value()));
            }
        }
        return b.setValue(v).build();
    }

    static TierMenuView view(TierMenuResponse r) {
        return new TierMenuView(r.getOrigin(), r.getWorkloadClass(), r.getName(), r.getCostPerMTokens(),
                r.getProfitPerRequest(),
                r.getTiersList().stream().map(MenuViews::tier).toList(),
                r.getChoicesList().stream().map(MenuViews::choice).toList(),
                r.getExact(), r.getMarketVersion(), r.getStale());
    }

    private static TierMenuView.Tier tier(MenuTier t) {
        return new TierMenuView.Tier(t.getCapTokens(), t.getPricePerRequest(), t.getCostFloorPerRequest(),
                t.getTypesList());
    }

    private static TierMenuView.Choice choice(MenuChoice c) {
        return new TierMenuView.Choice(c.getType(), c.getCapTokens(), c.getPricePerRequest(), c.getSurplus());
    }
}
