package dev.restoreguard.events.restore;

import static dev.restoreguard.events.EventValidationException.require;
import static dev.restoreguard.events.EventValidationException.requireOneOf;

import dev.restoreguard.events.EventPayload;
import java.util.Set;

/**
 * One record of a restore session from any backup product or wrapper script. A session has
 * several records (started, task finished, finished); the observer is the envelope's. Published
 * on {@code restoreguard.restores}, keyed by observer.
 *
 * @param product    {@code veeam}, {@code pgbackrest}, {@code script}, ... (part of the alert subject)
 * @param sessionId  the product's session id
 * @param state      {@code started}, {@code running}, {@code finished} or {@code failed}
 * @param target     the name or IP the operator restores to; null when this record names none
 *                   (Veeam's start event 40210 does not)
 * @param database   database restored, if any
 * @param job        job name, if any
 * @param initiator  who started it
 * @param reason     free text (often a change number)
 * @param taskStatus product task status (Veeam 250/251 {@code Status})
 * @param result     product result code (Veeam {@code Result}: 0 success, 1 warning, 2 failed)
 */
public record RestoreEvent(String product, String sessionId, String state, String target, String database,
                           String job, String initiator, String reason, String taskStatus, Integer result)
        implements EventPayload {

    public static final String KIND = "restore";
    public static final Set<String> STATES = Set.of("started", "running", "finished", "failed");

    public RestoreEvent {
        require("restore.product", product);
        require("restore.session_id", sessionId);
        requireOneOf("restore.state", state, STATES);
        if (target != null && target.isBlank()) {
            target = null;
        }
    }

    @Override
    public String kind() {
        return KIND;
    }
}
