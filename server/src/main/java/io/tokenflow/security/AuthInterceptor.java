package io.tokenflow.security;

import io.grpc.Context;
import io.grpc.Contexts;
import io.grpc.ForwardingServerCallListener;
import io.grpc.Grpc;
import io.grpc.Metadata;
import io.grpc.ServerCall;
import io.grpc.ServerCallHandler;
import io.grpc.ServerInterceptor;
import io.grpc.Status;
import io.tokenflow.api.v1.CapacityUpdate;
import io.tokenflow.api.v1.UpdateCapacityRequest;
import java.security.cert.Certificate;
import java.security.cert.X509Certificate;
import java.util.Map;
import java.util.Optional;
import java.util.TreeSet;
import javax.net.ssl.SSLPeerUnverifiedException;
import javax.net.ssl.SSLSession;

/**
 * Enforces {@code --auth}: who the caller is (bearer token in {@code authorization}, else the subject of
 * its verified TLS client certificate) and whether its role may call the method. UpdateCapacity is also
 * checked per message: a provider may only name its own nodes. Every refusal closes the call before the
 * service sees the request, so a denied call changes nothing. Health is open; reflection needs a router.
 * The principal is put in {@link #PRINCIPAL} for the interceptors inside this one (rate limits).
 */
public final class AuthInterceptor implements ServerInterceptor {
    public static final Context.Key<Principal> PRINCIPAL = Context.key("tokenflow-principal");
    static final Metadata.Key<String> AUTHORIZATION =
            Metadata.Key.of("authorization", Metadata.ASCII_STRING_MARSHALLER);
    private static final String ORACLE = "tokenflow.v1.PricingOracle/";

    /** The role each PricingOracle method needs; methods not listed (other services) need an operator. */
    private static final Map<String, Role> REQUIRED = Map.ofEntries(
            Map.entry(ORACLE + "Quote", Role.ROUTER),
            Map.entry(ORACLE + "Route", Role.ROUTER),
            Map.entry(ORACLE + "FeasibleSites", Role.ROUTER),
            Map.entry(ORACLE + "WatchPrices", Role.ROUTER),
            Map.entry(ORACLE + "GetMarket", Role.ROUTER),
            Map.entry(ORACLE + "PriceHistory", Role.ROUTER),
            Map.entry(ORACLE + "UpdateCapacity", Role.PROVIDER),
            Map.entry(ORACLE + "UpdateDemand", Role.OPERATOR),
            Map.entry(ORACLE + "UpdateElectricityPrice", Role.OPERATOR),
            Map.entry(ORACLE + "UpdateLinkCapacity", Role.OPERATOR),
            Map.entry(ORACLE + "ExportSettlement", Role.OPERATOR),
            Map.entry(ORACLE + "TierMenu", Role.ROUTER),
            Map.entry(ORACLE + "RetailEquilibrium", Role.ROUTER));

    private final AuthConfig config;

    public AuthInterceptor(AuthConfig config) {
        this.config = config;
    }

    /** The role a method needs, or empty when it is open to anyone (health checks). */
    static Optional<Role> requiredRole(String fullMethodName) {
        if (fullMethodName.startsWith("grpc.health.v1.Health/")) {
            return Optional.empty();
        }
        if (fullMethodName.startsWith("grpc.reflection.")) {
            return Optional.of(Role.ROUTER);
        }
        return Optional.of(REQUIRED.getOrDefault(fullMethodName, Role.OPERATOR));
    }

    @Override
    public <Q, R> ServerCall.Listener<Q> interceptCall(ServerCall<Q, R> call, Metadata headers,
            ServerCallHandler<Q, R> next) {
        String method = call.getMethodDescriptor().getFullMethodName();
        Optional<Role> required = requiredRole(method);
        if (required.isEmpty()) {
            return next.startCall(call, headers);
        }
        Principal principal;
        Iterable<String> all = headers.getAll(AUTHORIZATION);
        int count = 0;
        for (String ignored : all == null ? java.util.List.<String>of() : all) {
            count++;
        }
        if (count > 1) {
            // which one would win differs between proxies and servers: refuse rather than guess
            return refuse(call, Status.UNAUTHENTICATED.withDescription(
                    count + " authorization headers: send exactly one 'Bearer TOKEN'"));
        }
        String header = headers.get(AUTHORIZATION);
        if (header != null) {
            if (!header.regionMatches(true, 0, "Bearer ", 0, 7) || header.length() == 7) {
                return refuse(call, Status.UNAUTHENTICATED.withDescription(
                        "the authorization header must be 'Bearer TOKEN'"));
            }
            Optional<Principal> p = config.byToken(header.substring(7).trim());
            if (p.isEmpty()) {
                return refuse(call, Status.UNAUTHENTICATED.withDescription("the bearer token is not known"));
            }
            principal = p.get();
        } else {
            Optional<javax.security.auth.x500.X500Principal> subject = peerSubject(call);
            if (subject.isEmpty()) {
                return refuse(call, Status.UNAUTHENTICATED.withDescription(
                        "no credentials: send 'authorization: Bearer TOKEN' or a TLS client certificate"));
            }
            Optional<Principal> p = config.bySubject(subject.get());
            if (p.isEmpty()) {
                return refuse(call, Status.UNAUTHENTICATED.withDescription(
                        "the client certificate subject '" + subject.get().getName() + "' is not a known principal"));
            }
            principal = p.get();
        }
        if (!principal.role().includes(required.get())) {
            return refuse(call, Status.PERMISSION_DENIED.withDescription(principal + " may not call "
                    + method + " (needs " + required.get().id() + ")"));
        }
        Context context = Context.current().withValue(PRINCIPAL, principal);
        ServerCall.Listener<Q> listener = Contexts.interceptCall(context, call, headers, next);
        if (principal.role() == Role.OPERATOR || !method.equals(ORACLE + "UpdateCapacity")) {
            return listener;
        }
        return new NodeGrantCheck<>(listener, call, principal);
    }

    private static Optional<javax.security.auth.x500.X500Principal> peerSubject(ServerCall<?, ?> call) {
        SSLSession session = call.getAttributes().get(Grpc.TRANSPORT_ATTR_SSL_SESSION);
        if (session == null) {
            return Optional.empty();
        }
        try {
            Certificate[] chain = session.getPeerCertificates();
            if (chain.length > 0 && chain[0] instanceof X509Certificate x) {
                return Optional.of(x.getSubjectX500Principal());
            }
        } catch (SSLPeerUnverifiedException e) {
            return Optional.empty();
        }
        return Optional.empty();
    }

    static <Q, R> ServerCall.Listener<Q> refuse(ServerCall<Q, R> call, Status status) {
        call.close(status, new Metadata());
        return new ServerCall.Listener<>() {};
    }

    /**
     * Looks at each UpdateCapacity message before the handler does: a node outside the provider's grant
     * closes the call with PERMISSION_DENIED and the message (and everything after it) is dropped.
     */
    private static final class NodeGrantCheck<Q, R> extends ForwardingServerCallListener.SimpleForwardingServerCallListener<Q> {
        private final ServerCall<Q, R> call;
        private final Principal principal;
        private boolean denied;

        NodeGrantCheck(ServerCall.Listener<Q> delegate, ServerCall<Q, R> call, Principal principal) {
            super(delegate);
            this.call = call;
            this.principal = principal;
        }

        @Override
        public void onMessage(Q message) {
            if (denied) {
                return;
            }
            if (message instanceof UpdateCapacityRequest request) {
                for (int i = 0; i < request.getUpdatesCount(); i++) {
                    CapacityUpdate u = request.getUpdates(i);
                    if (!principal.mayUpdateNode(u.getNode())) {
                        denied = true;
                        String node = u.getNode().length() > 200 ? u.getNode().substring(0, 200) + "..." : u.getNode();
                        call.close(Status.PERMISSION_DENIED.withDescription(principal + " may not update node '"
                                + node + "' (updates[" + i + "].node); its nodes: "
                                + new TreeSet<>(principal.nodes())), new Metadata());
                        return;
                    }
                }
            }
            super.onMessage(message);
        }

        @Override
        public void onHalfClose() {
            if (!denied) {
                super.onHalfClose();
            }
        }

        @Override
        public void onReady() {
            if (!denied) {
                super.onReady();
            }
        }
    }
}
