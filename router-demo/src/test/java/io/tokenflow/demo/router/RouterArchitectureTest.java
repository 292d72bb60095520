package io.tokenflow.demo.router;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.classes;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import org.junit.jupiter.api.Test;

/** The router is pure: it sees the SDK's types and the JDK, nothing of the server, engine or gRPC. */
class RouterArchitectureTest {

    @Test
    void theRouterUsesOnlySdkTypes() {
        JavaClasses router = new ClassFileImporter().withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
                .importPackages("io.tokenflow.demo.router");
        classes().that().resideInAPackage("io.tokenflow.demo.router")
                .should().onlyDependOnClassesThat().resideInAnyPackage("io.tokenflow.demo.router", "io.tokenflow.client",
                        "java..")
                .check(router);
    }
}
