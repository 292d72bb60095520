package io.tokenflow.cli;

import io.tokenflow.market.io.CalibrationJson;
import io.tokenflow.market.retail.Calibration;
import io.tokenflow.market.retail.Observation;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code tokenflow retail calibrate}: fits the users' weights and the providers' values to observed days. */
@Command(name = "calibrate", mixinStandardHelpOptions = true,
        description = {"Fit the users' weights (w_p = 1) and the providers' values to observed days of prices, "
                + "capacities, delays, demands and flows (docs/retail.md); prints the fit with R^2 and MAE."})
final class RetailCalibrateCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Parameters(paramLabel = "FILE|-", description = "Observed days (JSON), or '-' for standard input.")
    String file;

    @Option(names = "--hold-out", defaultValue = "0", paramLabel = "K",
            description = "Fit all but the last K days and report the prediction on those (default: ${DEFAULT-VALUE}).")
    int holdOut;

    @Override
    public Integer call() throws Exception {
        List<Observation> days = file.equals("-")
                ? CalibrationJson.read(new String(System.in.readAllBytes(), StandardCharsets.UTF_8))
                : CalibrationJson.read(Path.of(file));
        Calibration.Result fit = Calibration.fit(days, holdOut);
        PrintWriter out = spec.commandLine().getOut();
        out.print(CalibrationJson.write(fit));
        out.flush();
        return 0;
    }
}
