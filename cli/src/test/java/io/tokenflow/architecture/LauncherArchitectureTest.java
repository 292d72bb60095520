package io.tokenflow.architecture;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The outer layer's rules, on the compiled classes of the cli module: every command that calls an oracle,
 * and the read replica's follower, go through the client SDK, the one client of the API; the launcher
 * builds the server from its parts but never maps messages itself.
 */
class LauncherArchitectureTest {
    private static JavaClasses launcher;

    @BeforeAll
    static void importClasses() {
        launcher = new ClassFileImporter()
                .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
                .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_JARS)
                .importPackages("io.tokenflow.cli", "io.tokenflow.follow");
    }

    @Test
    void noCommandAndNoFollowerUsesTheGeneratedStubsOrMessages() {
        noClasses().should().dependOnClassesThat().resideInAnyPackage("io.tokenflow.api..")
                .because("callers of the oracle use the client SDK (io.tokenflow.client)")
                .check(launcher);
    }

    @Test
    void clientsSpeakNoRawGrpc() {
        noClasses().that().resideInAPackage("io.tokenflow.follow..")
                .or().haveSimpleNameStartingWith("UpdateCommand")
                .or().haveSimpleNameStartingWith("SettlementCommand")
                .or().haveSimpleNameStartingWith("SettlementRows")
                .or().haveSimpleNameStartingWith("ReportCommand")
                .or().haveSimpleNameStartingWith("OracleConnectionOptions")
                .should().dependOnClassesThat().resideInAnyPackage("io.grpc..", "com.google.protobuf..")
                .check(launcher);
    }

    @Test
    void theFollowerFeedsTheServiceAndKnowsNeitherTheGrpcLayerNorTheCommands() {
        noClasses().that().resideInAPackage("io.tokenflow.follow..")
                .should().dependOnClassesThat().resideInAnyPackage("io.tokenflow.grpc..", "io.tokenflow.cli..",
                        "picocli..")
                .check(launcher);
    }
}
