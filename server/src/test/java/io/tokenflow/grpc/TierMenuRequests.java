package io.tokenflow.grpc;

import io.tokenflow.api.v1.MenuCapGrid;
import io.tokenflow.api.v1.MenuUserType;
import io.tokenflow.api.v1.MenuValueCurve;
import io.tokenflow.api.v1.TierMenuRequest;

/** A valid TierMenu request for the five-node market: three chat user types at Dallas. */
public final class TierMenuRequests {
    private TierMenuRequests() {}

    public static TierMenuRequest valid() {
        return TierMenuRequest.newBuilder().setOrigin("dallas").setWorkloadClass("chat").setName("chat-dallas")
                .addTypes(MenuUserType.newBuilder().setId("casual").setShare(0.5).setValuePerRequest(0.004))
                .addTypes(MenuUserType.newBuilder().setId("pro").setShare(0.35).setValuePerRequest(0.008))
                .addTypes(MenuUserType.newBuilder().setId("power").setShare(0.15).setValuePerRequest(0.02))
                .setValue(MenuValueCurve.newBuilder().setKind("saturating").setScaleTokens(2000))
                .setCaps(MenuCapGrid.newBuilder().setMin(0).setMax(32000).setStep(250))
                .setMaxTiers(3)
                .build();
    }
}
