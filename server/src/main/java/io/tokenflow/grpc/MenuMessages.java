package io.tokenflow.grpc;

import io.tokenflow.api.v1.MenuCapGrid;
import io.tokenflow.api.v1.MenuChoice;
import io.tokenflow.api.v1.MenuTier;
import io.tokenflow.api.v1.MenuUserType;
import io.tokenflow.api.v1.MenuValueCurve;
import io.tokenflow.api.v1.MenuValuePoint;
import io.tokenflow.api.v1.TierMenuRequest;
import io.tokenflow.api.v1.TierMenuResponse;
import io.tokenflow.market.menu.CapGrid;
import io.tokenflow.market.menu.InvalidMenuException;
import io.tokenflow.market.menu.MenuRequest;
import io.tokenflow.market.menu.TierMenu;
import io.tokenflow.market.menu.UserType;
import io.tokenflow.market.menu.ValueCurve;
import io.tokenflow.service.PricedMenu;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.OptionalDouble;
import java.util.OptionalInt;

/**
 * TierMenu messages to the menu records and back. The request's fields carry the menu format's names
 * (in proto3's JSON mapping), so the records' checks name them as the format does. Stateless.
 */
final class MenuMessages {
    private MenuMessages() {}

    static MenuRequest request(TierMenuRequest r) {
        String origin = RequestFields.id("origin", r.getOrigin());
        String classId = RequestFields.id("workload_class", r.getWorkloadClass());
        List<UserType> types = new ArrayList<>(r.getTypesCount());
        for (int i = 0; i < r.getTypesCount(); i++) {
            MenuUserType t = r.getTypes(i);
            types.add(UserType.of("types[" + i + "]", t.getId(), t.getShare(), t.getValuePerRequest()));
        }
        if (!r.hasValue()) {
            throw new InvalidMenuException("value is required");
        }
        if (!r.hasCaps()) {
            throw new InvalidMenuException("caps is required");
        }
        MenuCapGrid caps = r.getCaps();
        long maxTiers = Integer.toUnsignedLong(r.getMaxTiers());
        return new MenuRequest(r.getName().isEmpty() ? "menu" : r.getName(), OptionalDouble.empty(),
                Optional.of(origin), Optional.of(classId), curve(r.getValue()), types,
                // uint64 past 2^63 reads negative here, which the grid refuses by name
                new CapGrid(caps.getMin(), caps.getMax(), caps.getStep()),
                maxTiers == 0 ? OptionalInt.empty() : OptionalInt.of((int) Math.min(maxTiers, Integer.MAX_VALUE)));
    }

    private static ValueCurve curve(MenuValueCurve v) {
        switch (v.getKind()) {
            case "saturating":
                return new ValueCurve.Saturating(v.getScaleTokens());
            case "points":
                List<ValueCurve.Points.Point> points = new ArrayList<>(v.getPointsCount());
                for (MenuValuePoint p : v.getPointsList()) {
                    points.add(new ValueCurve.Points.Point(p.getTokens(), p.getValue()));
                }
                return new ValueCurve.Points(points);
            default:
                throw new InvalidMenuException("value.kind must be \"saturating\" or \"points\", got '"
                        + v.getKind() + "'");
        }
    }

    static TierMenuResponse response(PricedMenu priced) {
        TierMenu m = priced.menu().menu();
        TierMenuResponse.Builder b = TierMenuResponse.newBuilder()
                .setOrigin(priced.menu().origin())
                .setWorkloadClass(priced.menu().classId())
                .setName(m.name())
                .setCostPerMTokens(m.costPerMTokens())
                .setProfitPerRequest(m.profitPerRequest())
                .setExact(m.exact())
                .setMarketVersion(priced.state().version())
                .setStale(priced.state().stale());
        for (TierMenu.Tier t : m.tiers()) {
            b.addTiers(MenuTier.newBuilder().setCapTokens(t.capTokens()).setPricePerRequest(t.pricePerRequest())
                    .setCostFloorPerRequest(t.costFloorPerRequest()).addAllTypes(t.types()));
        }
        for (TierMenu.Choice c : m.choices()) {
            b.addChoices(MenuChoice.newBuilder().setType(c.type()).setCapTokens(c.capTokens())
                    .setPricePerRequest(c.pricePerRequest()).setSurplus(c.surplus()));
        }
        return b.build();
    }
}
