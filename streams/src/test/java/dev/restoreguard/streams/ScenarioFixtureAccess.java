package dev.restoreguard.streams;

import java.util.List;

/** Lets tests of other packages feed a scenario through {@link ScenarioFixture} (package-private). */
public final class ScenarioFixtureAccess {

    private ScenarioFixtureAccess() {
    }

    /** Feeds every line of a scenario file through the real topology. */
    public static void feed(final List<String> lines) {
        try (ScenarioFixture fx = new ScenarioFixture()) {
            fx.feed(lines.toArray(String[]::new));
        }
    }
}
