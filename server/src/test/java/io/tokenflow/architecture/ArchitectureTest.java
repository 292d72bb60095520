package io.tokenflow.architecture;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.classes;
import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static org.junit.jupiter.api.Assertions.assertEquals;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The layering of the project (README, "Layout"), checked on the compiled classes (so fully qualified uses count too):
 * the market engine is pure, and exactly one class of it talks to OR-Tools; the service layer knows no
 * transport; the gRPC layer maps messages to service calls and never drives the engine itself.
 */
class ArchitectureTest {
    private static JavaClasses production;

    @BeforeAll
    static void importClasses() {
        production = new ClassFileImporter()
                .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
                .importPackages("io.tokenflow");
    }

    @Test
    void theMarketEngineImportsNoFramework() {
        noClasses().that().resideInAPackage("io.tokenflow.market..")
                .should().dependOnClassesThat().resideInAnyPackage(
                        "io.grpc..", "com.google.protobuf..", "com.github.benmanes.caffeine..",
                        "io.github.resilience4j..", "picocli..")
                .check(production);
    }

    @Test
    void theMarketEngineDependsOnNoOuterLayer() {
        noClasses().that().resideInAPackage("io.tokenflow.market..")
                .should().dependOnClassesThat().resideInAnyPackage(
                        "io.tokenflow.service..", "io.tokenflow.grpc..", "io.tokenflow.cli..")
                .check(production);
    }

    @Test
    void theServiceLayerKnowsNoTransport() {
        noClasses().that().resideInAPackage("io.tokenflow.service..")
                .should().dependOnClassesThat().resideInAnyPackage(
                        "io.grpc..", "com.google.protobuf..", "io.tokenflow.api..", "io.tokenflow.grpc..",
                        "io.tokenflow.cli..", "picocli..")
                .check(production);
    }

    @Test
    void theGrpcLayerOnlyMapsAndNeverDrivesTheEngine() {
        noClasses().that().resideInAPackage("io.tokenflow.grpc..")
                .should().dependOnClassesThat().resideInAnyPackage(
                        "io.tokenflow.market.clearing..", "io.tokenflow.cli..", "com.github.benmanes.caffeine..",
                        "io.github.resilience4j..")
                .check(production);
    }

    /**
     * The server and its handlers serve an Oracle and never ask which role it is: only the follower,
     * which drives a replica, names a role class (the CLI picks the role at start-up).
     */
    @Test
    void theGrpcLayerServesEitherRoleWithoutNamingIt() {
        noClasses().that().resideInAPackage("io.tokenflow.grpc..")
                .and().doNotHaveFullyQualifiedName("io.tokenflow.grpc.LeaderFollower")
                .should().dependOnClassesThat().haveFullyQualifiedName("io.tokenflow.service.LeaderOracle")
                .orShould().dependOnClassesThat().haveFullyQualifiedName("io.tokenflow.service.ReplicaOracle")
                .check(production);
    }

    /**
     * Access control (authentication, roles, rate limits) is its own layer, io.tokenflow.security: gRPC
     * interceptors that the CLI hands to OracleServer as plain ServerInterceptors, so the gRPC layer
     * neither knows them nor resilience4j (the rule above stands). Security may use gRPC, the API
     * messages and resilience4j's RateLimiter, but never the market, the service or the CLI: a refused call
     * must not be able to reach the oracle.
     */
    @Test
    void accessControlStaysOutsideTheOracle() {
        noClasses().that().resideInAPackage("io.tokenflow.security..")
                .should().dependOnClassesThat().resideInAnyPackage(
                        "io.tokenflow.market..", "io.tokenflow.service..", "io.tokenflow.grpc..",
                        "io.tokenflow.cli..", "com.github.benmanes.caffeine..", "picocli..")
                .check(production);
        noClasses().that().resideInAPackage("io.tokenflow.grpc..")
                .should().dependOnClassesThat().resideInAnyPackage("io.tokenflow.security..")
                .check(production);
    }

    /**
     * Reports (io.tokenflow.report) draw what the engine computed: they read market results and never
     * reach the oracle's service, its transport or the CLI; the engine and the oracle never draw.
     */
    @Test
    void reportsOnlyReadMarketResults() {
        noClasses().that().resideInAPackage("io.tokenflow.report..")
                .should().dependOnClassesThat().resideInAnyPackage(
                        "io.tokenflow.service..", "io.tokenflow.grpc..", "io.tokenflow.security..",
                        "io.tokenflow.cli..", "io.tokenflow.api..", "io.grpc..", "com.google.protobuf..", "picocli..",
                        "com.google.ortools..")
                .check(production);
        noClasses().that().resideInAnyPackage("io.tokenflow.market..", "io.tokenflow.service..",
                        "io.tokenflow.grpc..", "io.tokenflow.security..")
                .should().dependOnClassesThat().resideInAnyPackage("io.tokenflow.report..", "org.knowm.xchart..")
                .check(production);
    }

    @Test
    void exactlyOneClassTalksToOrTools() {
        List<String> users = production.stream()
                .filter(c -> c.getDirectDependenciesFromSelf().stream()
                        .anyMatch(d -> d.getTargetClass().getPackageName().startsWith("com.google.ortools")))
                .map(c -> c.getName().split("\\$")[0]) // a switch on an OR-Tools enum compiles to OrToolsLpSolver$1
                .distinct()
                .toList();
        assertEquals(List.of("io.tokenflow.market.clearing.OrToolsLpSolver"), users);
        classes().that().haveFullyQualifiedName("io.tokenflow.market.clearing.OrToolsLpSolver")
                .should().notBePublic()
                .check(production);
    }
}
