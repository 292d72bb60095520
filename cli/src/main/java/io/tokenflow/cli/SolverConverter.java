package io.tokenflow.cli;

import io.tokenflow.market.clearing.SolverKind;
import picocli.CommandLine;

final class SolverConverter implements CommandLine.ITypeConverter<SolverKind> {
    @Override
    public SolverKind convert(String value) {
        try {
            return SolverKind.parse(value);
        } catch (IllegalArgumentException e) {
            throw new CommandLine.TypeConversionException(e.getMessage());
        }
    }
}
