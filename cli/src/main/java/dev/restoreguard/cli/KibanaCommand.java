package dev.restoreguard.cli;

import dev.restoreguard.infra.kibana.SavedObjects;
import dev.restoreguard.infra.kibana.SavedObjectsImport;
import dev.restoreguard.infra.kibana.SavedObjectsImport.Credentials;
import dev.restoreguard.sinks.elasticsearch.ElasticsearchClients;
import java.io.IOException;
import java.io.PrintWriter;
import java.net.URI;
import java.net.http.HttpClient;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code restoreguard kibana import}: loads RestoreGuard's data views, saved searches, Lens
 * visualizations and dashboard (see {@link SavedObjects}) into Kibana through its saved-objects
 * import API, and reports what Kibana did with each object.
 */
@Command(name = "kibana", mixinStandardHelpOptions = true,
        description = "Kibana assets: data views, saved searches, visualizations and the RestoreGuard overview dashboard.",
        subcommands = {KibanaCommand.Import.class})
public final class KibanaCommand implements Callable<Integer> {

    @Spec
    private CommandSpec spec;

    @Override
    public Integer call() {
        spec.commandLine().usage(spec.commandLine().getOut());
        return 0;
    }

    /** {@code kibana import}. */
    @Command(name = "import", mixinStandardHelpOptions = true,
            description = {"Import the saved objects (default: the bundled infra/kibana/restoreguard.ndjson) into Kibana with "
                    + "POST /api/saved_objects/_import?overwrite=true: objects with the same ids are replaced.",
                    "Prints one line per object. Exit 0 when every object was imported, 1 when Kibana refused any "
                    + "(or answered an HTTP error, or could not be reached), 2 on invalid options or an unreadable file."})
    static final class Import implements Callable<Integer> {
        @Spec
        private CommandSpec spec;

        @Option(names = "--url", required = true, paramLabel = "URL",
                description = "Kibana's URL, with its base path if it has one (https://kibana.corp.example:5601).")
        private URI url;

        @ArgGroup(exclusive = true, multiplicity = "0..1")
        private Auth auth;

        @Option(names = "--space", paramLabel = "ID", description = "Kibana space id (default: the default space).")
        private String space;

        @Option(names = "--file", paramLabel = "NDJSON", description = "Import this NDJSON file instead of the bundled one.")
        private Path file;

        @Option(names = "--ca-file", paramLabel = "PEM", description = "Trust exactly the CA certificates in this PEM file for https.")
        private Path caFile;

        @Option(names = "--wait", paramLabel = "SECONDS", defaultValue = "0",
                description = "Keep retrying while Kibana is unreachable or answers 503 (starting), for up to this long (default ${DEFAULT-VALUE}).")
        private long waitSeconds;

        /** One way to authenticate. */
        static final class Auth {
            @Option(names = "--api-key", paramLabel = "KEY", description = "API key, base64 of id:key (the 'encoded' value).")
            String apiKey;

            @Option(names = "--api-key-env", paramLabel = "VAR", description = "Name of the environment variable holding the API key.")
            String apiKeyEnv;

            @ArgGroup(exclusive = false)
            Basic basic;
        }

        /** User and the variable holding the password (never the password on the command line). */
        static final class Basic {
            @Option(names = "--user", required = true, paramLabel = "USER", description = "User for basic authentication.")
            String user;

            @Option(names = "--password-env", required = true, paramLabel = "VAR",
                    description = "Name of the environment variable holding the user's password.")
            String passwordEnv;
        }

        // for tests: the environment the --*-env options read
        Map<String, String> environment = System.getenv();

        @Override
        public Integer call() throws InterruptedException {
            final PrintWriter out = spec.commandLine().getOut();
            final PrintWriter err = spec.commandLine().getErr();
            final byte[] ndjson;
            final String source;
            final List<?> objects;
            final SavedObjectsImport kibana;
            try {
                source = file == null ? "classpath:" + SavedObjects.RESOURCE : file.toString();
                ndjson = file == null ? SavedObjects.bundled() : Files.readAllBytes(file);
                objects = SavedObjects.parse(ndjson, source);
                final HttpClient.Builder http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10));
                if (caFile != null) {
                    http.sslContext(ElasticsearchClients.sslContext(caFile));
                }
                kibana = new SavedObjectsImport(http.build(), url, credentials());
                kibana.endpoint(space); // validates --space before anything is sent
            } catch (IOException | IllegalArgumentException e) { // ConfigException (a bad --ca-file) is one too
                err.println("kibana import: " + e.getMessage());
                err.flush();
                return 2;
            }
            final SavedObjectsImport.Result result;
            try {
                result = kibana.importObjects(ndjson, SavedObjects.FILE_NAME, space, Duration.ofSeconds(waitSeconds));
            } catch (IOException e) {
                err.println("kibana import: " + e.getMessage());
                err.flush();
                return 1;
            }
            result.imported().forEach(object -> out.println("imported " + object));
            result.failures().forEach(failure -> out.println("FAILED   " + failure));
            final String where = url + (space == null ? "" : " (space " + space + ")");
            if (result.status() != 200) {
                err.println("kibana import: Kibana at " + where + " answered HTTP " + result.status()
                        + (result.message() == null || result.message().isEmpty() ? "" : ": " + result.message())
                        + (result.status() == 401 ? " (check --api-key or --user/--password-env)" : "")
                        + (result.status() == 403 ? " (the user needs the Saved Objects Management privilege in that space)" : ""));
            }
            out.println(result.successCount() + " of " + objects.size() + " saved objects from " + source
                    + " imported into Kibana at " + where + (result.ok() ? "" : "; " + result.failures().size() + " failed"));
            out.flush();
            err.flush();
            return result.ok() ? 0 : 1;
        }

        private Credentials credentials() {
            if (auth == null) {
                return new Credentials.None();
            }
            if (auth.apiKey != null) {
                return new Credentials.ApiKey(auth.apiKey);
            }
            if (auth.apiKeyEnv != null) {
                return new Credentials.ApiKey(variable(auth.apiKeyEnv, "--api-key-env"));
            }
            return new Credentials.Basic(auth.basic.user, variable(auth.basic.passwordEnv, "--password-env"));
        }

        private String variable(final String name, final String option) {
            final String value = environment.get(name);
            if (value == null || value.isEmpty()) {
                throw new IllegalArgumentException(option + ": environment variable " + name + " is not set");
            }
            return value;
        }
    }
}
