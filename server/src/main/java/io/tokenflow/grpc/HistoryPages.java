package io.tokenflow.grpc;

import com.google.protobuf.CodedOutputStream;
import io.tokenflow.api.v1.PriceCause;
import io.tokenflow.api.v1.PriceHistoryRequest;
import io.tokenflow.api.v1.PriceHistoryResponse;
import io.tokenflow.api.v1.PricePoint;
import io.tokenflow.service.OriginPriceHistory;
import io.tokenflow.service.VersionCauses;
import java.time.Instant;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;

/**
 * PriceHistory in pages (AIP-158): checks page_size and page_token, asks the oracle for one page of
 * points and encodes them until the page holds {@code page_size} points or the next one would take it
 * past {@link #PAGE_BYTES}.
 *
 * <p><b>Why every page fits a default client.</b> The size is not estimated: each point's encoded size is
 * computed exactly ({@link CodedOutputStream#computeMessageSize}) before it is added, and a point is
 * added only while header + points + the largest next_page_token stay within {@link #PAGE_BYTES}, 3 MiB,
 * a full MiB under gRPC's default 4 MiB inbound limit. A page always holds at least one point (else paging
 * would stop); a point that alone would pass the bound (possible only with ids of kilobytes: a point lists
 * at most {@value VersionCauses#MAX_LISTED} causes) is sent with its last causes moved into
 * {@code causes_omitted} until it fits.
 */
final class HistoryPages {
    static final int DEFAULT_PAGE_SIZE = 1000;
    static final int MAX_PAGE_SIZE = 10_000;
    static final int PAGE_BYTES = 3 << 20;
    /** Field tag, length and characters of a next_page_token. */
    private static final int TOKEN_BYTES = 2 + HistoryPageToken.LENGTH;

    private HistoryPages() {}

    /** The page {@code request} asks for, from {@code history}(origin, class, since, from version, limit). */
    static PriceHistoryResponse page(PriceHistoryRequest request, HistorySource history) {
        String origin = RequestFields.id("origin", request.getOrigin());
        String classId = RequestFields.id("workload_class", request.getWorkloadClass());
        Instant since = RequestFields.optionalTime("since", request.hasSince(), request.getSince());
        int pageSize = pageSize(request.getPageSize());
        long from = request.getPageToken().isEmpty() ? 0
                : HistoryPageToken.decode(request.getPageToken(), origin, classId, since);
        // one point more than the page holds: the version the next page starts at, if any
        OriginPriceHistory points = history.read(origin, classId, since, from, pageSize + 1);
        return encode(points, pageSize, since, request.getOmitCauses());
    }

    /** The oracle's paged history, as a function so the page logic is testable without a server. */
    @FunctionalInterface
    interface HistorySource {
        OriginPriceHistory read(String origin, String classId, Instant since, long fromVersion, int limit);
    }

    /** page_size as AIP-158 reads it: 0 is the default, above the maximum is the maximum, negative is refused. */
    static int pageSize(int asked) {
        if (asked < 0) {
            throw new IllegalArgumentException("page_size must be >= 0 (0 reads as the default, "
                    + DEFAULT_PAGE_SIZE + "; at most " + MAX_PAGE_SIZE + " are sent), got " + asked);
        }
        return asked == 0 ? DEFAULT_PAGE_SIZE : Math.min(asked, MAX_PAGE_SIZE);
    }

    static PriceHistoryResponse encode(OriginPriceHistory history, int pageSize, Instant since) {
        return encode(history, pageSize, since, false);
    }

    static PriceHistoryResponse encode(OriginPriceHistory history, int pageSize, Instant since, boolean omitCauses) {
        PriceHistoryResponse.Builder out = PriceHistoryResponse.newBuilder()
                .setOrigin(history.origin())
                .setWorkloadClass(history.classId())
                .setOldestRetainedVersion(history.oldestRetainedVersion())
                .setOldestRetainedAt(ProtoMapping.timestamp(history.oldestRetainedAt()));
        long budget = PAGE_BYTES - out.build().getSerializedSize() - (long) TOKEN_BYTES;
        // the causes of a version are one object shared by every origin x class: encode each once
        Map<VersionCauses, List<PriceCause>> encoded = new IdentityHashMap<>();
        List<io.tokenflow.service.PricePoint> points = history.points();
        for (int i = 0; i < points.size(); i++) {
            io.tokenflow.service.PricePoint p = points.get(i);
            PricePoint point = omitCauses ? summary(p)
                    : point(p, encoded.computeIfAbsent(p.causes(), HistoryPages::causes));
            int bytes = CodedOutputStream.computeMessageSize(PriceHistoryResponse.POINTS_FIELD_NUMBER, point);
            if (i == pageSize || (bytes > budget && i > 0)) {
                out.setNextPageToken(HistoryPageToken.encode(p.version(), history.origin(), history.classId(), since));
                break;
            }
            if (bytes > budget) {
                point = trimmed(point, budget);
                bytes = CodedOutputStream.computeMessageSize(PriceHistoryResponse.POINTS_FIELD_NUMBER, point);
            }
            out.addPoints(point);
            budget -= bytes;
        }
        return out.build();
    }

    /** {@code point} with its last causes counted in causes_omitted instead of listed, until it fits {@code budget}. */
    private static PricePoint trimmed(PricePoint point, long budget) {
        PricePoint.Builder b = point.toBuilder();
        while (b.getCausesCount() > 0 && CodedOutputStream.computeMessageSize(PriceHistoryResponse.POINTS_FIELD_NUMBER,
                b.build()) > budget) {
            b.removeCauses(b.getCausesCount() - 1);
            b.setCausesOmitted(b.getCausesOmitted() + 1);
        }
        return b.build();
    }

    private static PricePoint point(io.tokenflow.service.PricePoint p, List<PriceCause> causes) {
        return PricePoint.newBuilder()
                .setMarketVersion(p.version())
                .setClearedAt(ProtoMapping.timestamp(p.clearedAt()))
                .setPricePerMTokens(p.price())
                .setEnergy(p.energy())
                .setScarcity(p.scarcity())
                .setRouting(p.routing())
                .setCongestion(p.congestion())
                .setUnservedPenalty(p.unservedPenalty())
                .setServingNode(p.servingNode().orElse(""))
                .setCause(p.causes().summary())
                .addAllCauses(causes)
                .setCausesOmitted(p.causes().omitted())
                .build();
    }

    /** {@code p} with its causes counted, not listed (omit_causes). */
    private static PricePoint summary(io.tokenflow.service.PricePoint p) {
        return point(p, List.of()).toBuilder().setCausesOmitted(p.causes().listed().size() + p.causes().omitted())
                .build();
    }

    private static List<PriceCause> causes(VersionCauses causes) {
        return causes.listed().stream().map(c -> PriceCause.newBuilder()
                .setKind(c.kind().label())
                .setSubject(c.subject())
                .setPreviousValue(c.previousValue())
                .setValue(c.value())
                .setUnit(c.unit())
                .build()).toList();
    }
}
