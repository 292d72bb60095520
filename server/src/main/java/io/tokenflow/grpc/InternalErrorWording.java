package io.tokenflow.grpc;

import io.grpc.ForwardingServerCall;
import io.grpc.Metadata;
import io.grpc.ServerCall;
import io.grpc.ServerCallHandler;
import io.grpc.ServerInterceptor;
import io.grpc.Status;

/**
 * The outermost interceptor of tokenflow.v1.PricingOracle: words INTERNAL answers made from exceptions
 * ({@link StatusMapping#forClient}), whichever layer closed the call with them. Timing and counting the
 * calls is {@link RpcMetrics}'s, at the transport, where calls the application never closes (cancelled,
 * past their deadline, refused by the transport) are seen too.
 */
final class InternalErrorWording implements ServerInterceptor {

    @Override
    public <Q, R> ServerCall.Listener<Q> interceptCall(ServerCall<Q, R> call, Metadata headers,
            ServerCallHandler<Q, R> next) {
        String method = call.getMethodDescriptor().getBareMethodName();
        return next.startCall(new ForwardingServerCall.SimpleForwardingServerCall<>(call) {
            @Override
            public void close(Status status, Metadata trailers) {
                super.close(StatusMapping.forClient(method, status), trailers);
            }
        }, headers);
    }
}
