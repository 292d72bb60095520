package io.tokenflow.market.scenarios;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/** Reads a hub registry bundled with the engine: CSV with '#' comment lines that state provenance. */
final class HubRegistry {
    private static final String HEADER =
            "id,name,state,lat,lon,mw,electricityPricePerKwh,demandWeight,backbone,provenance";

    private HubRegistry() {}

    static List<Hub> load(String resource) {
        try (InputStream in = HubRegistry.class.getResourceAsStream(resource)) {
            if (in == null) {
                throw new IllegalStateException("hub registry " + resource + " is missing from the classpath");
            }
            BufferedReader reader = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8));
            List<Hub> hubs = new ArrayList<>();
            boolean headerSeen = false;
            String line;
            while ((line = reader.readLine()) != null) {
                if (line.isBlank() || line.startsWith("#")) {
                    continue;
                }
                if (!headerSeen) {
                    if (!line.equals(HEADER)) {
                        throw new IllegalStateException(resource + ": expected header " + HEADER + ", got " + line);
                    }
                    headerSeen = true;
                    continue;
                }
                String[] f = line.split(",", -1);
                if (f.length != 10) {
                    throw new IllegalStateException(resource + ": expected 10 fields, got " + f.length + " in " + line);
                }
                hubs.add(new Hub(f[0], f[1], f[2], Double.parseDouble(f[3]), Double.parseDouble(f[4]),
                        Double.parseDouble(f[5]), Double.parseDouble(f[6]), Double.parseDouble(f[7]),
                        f[8].equals("yes"), f[9]));
            }
            return hubs;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
