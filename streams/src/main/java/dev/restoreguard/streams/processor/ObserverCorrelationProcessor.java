package dev.restoreguard.streams.processor;

import dev.restoreguard.events.Envelope;
import dev.restoreguard.events.alert.Alert;
import dev.restoreguard.events.alert.Severity;
import dev.restoreguard.events.approval.ApprovalEvent;
import dev.restoreguard.events.dns.DnsRecordChange;
import dev.restoreguard.events.hosts.HostsSnapshot;
import dev.restoreguard.events.net.IpAddresses;
import dev.restoreguard.events.net.Names;
import dev.restoreguard.events.restore.RestoreEvent;
import dev.restoreguard.streams.approval.ApprovalVerifier;
import dev.restoreguard.streams.approval.TrustedKeys;
import dev.restoreguard.streams.resolve.Resolver;
import dev.restoreguard.streams.resolve.TargetVerdict;
import dev.restoreguard.streams.rules.ApprovalNotTrusted;
import dev.restoreguard.streams.rules.DnsRecordCrossesEnvironment;
import dev.restoreguard.streams.rules.Finding;
import dev.restoreguard.streams.rules.HostsOverrideCrossesEnvironment;
import dev.restoreguard.streams.rules.RestoreIntoProductionUnapproved;
import dev.restoreguard.streams.rules.RestoreOutsideChangeWindow;
import dev.restoreguard.streams.rules.RestoreRule;
import dev.restoreguard.streams.rules.RestoreTargetEnvironmentUnknown;
import dev.restoreguard.streams.rules.RestoreTargetMismatch;
import dev.restoreguard.streams.state.HostsState;
import dev.restoreguard.streams.state.InventoryIndex;
import dev.restoreguard.streams.state.ReferenceView;
import dev.restoreguard.streams.topology.StoreNames;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.Predicate;
import org.apache.kafka.streams.processor.PunctuationType;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.state.KeyValueStore;
import org.apache.kafka.streams.state.VersionedKeyValueStore;
import org.apache.kafka.streams.state.VersionedRecord;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Correlates everything that happens on the observers (backup servers) of one partition: their
 * hosts-file snapshots and restore sessions, against the whole reference history (DNS,
 * approvals, inventory), which every task receives through the broadcast reference topic. Judges
 * RG-001, RG-002, RG-005 and RG-006 for every restore session (one rule class each) and RG-003 for
 * every hosts snapshot, as of the judged record's event time, against the observer's hosts file
 * (versioned store {@value StoreNames#HOSTS}) and the task's reference store
 * ({@value StoreNames#REFERENCE}); the task of partition 0 also judges RG-004 for every DNS change
 * (every task holds the same reference history; one of them speaks). A record within the allowed
 * lateness re-judges the recent verdicts it affects.
 *
 * <p>Approvals are verified before they enter the reference store ({@link ApprovalVerifier}: the
 * approval bridge's signature against the trusted keys, scope, nonce, expiry). A rejected one is
 * no approval in any task, does not move stream time, and raises one RG-920..RG-924 alert, from
 * the task of partition 0 like RG-004.
 *
 * <p>Reads {@code restoreguard.hosts.snapshots}, {@code restoreguard.restores} (key: observer) and
 * {@code restoreguard.engine.reference} (every change on every partition), values {@link Envelope};
 * writes {@link Alert}s keyed by {@code alert.id} to {@code restoreguard.alerts}.
 */
public final class ObserverCorrelationProcessor implements Processor<String, Envelope, String, Alert> {

    private static final Logger LOGGER = LoggerFactory.getLogger(ObserverCorrelationProcessor.class);
    /** Dependency prefix of a restore judgment's effective address: approvals that may denote it revise it. */
    private static final String ADDRESS = "ip|";
    /** Dependency prefix of a change a restore judgment considered: any new record of it revises it. */
    private static final String CHANGE = "change|";
    private static final Duration ALERT_STATE_RETENTION = Duration.ofDays(30);

    private final Duration allowedLateness;
    private final Duration sessionRetention;
    private final List<RestoreRule> restoreRules = List.of(new RestoreIntoProductionUnapproved(),
            new RestoreTargetMismatch(), new RestoreOutsideChangeWindow(), new RestoreTargetEnvironmentUnknown());

    private ProcessorContext<String, Alert> context;
    private VersionedKeyValueStore<String, HostsState> hosts;
    private KeyValueStore<String, RestoreSession> sessions;
    private StoreSweep<RestoreSession> sessionSweep;
    private JudgmentBook book;
    private EngineClock clock;
    private ReferenceView reference;
    private Resolver resolver;
    private HostsOverrideCrossesEnvironment hostsRule;
    private final DnsRecordCrossesEnvironment dnsRule = new DnsRecordCrossesEnvironment();
    private ReferenceRecorder recorder;
    private final ApprovalNotTrusted approvalRule = new ApprovalNotTrusted();
    private final TrustedKeys trustedKeys;
    private ApprovalVerifier verifier;
    private boolean judgesReference;
    /** The latest arrival of a reference copy this task has read (since it started). */
    private long referenceArrival = Long.MIN_VALUE;

    public ObserverCorrelationProcessor(final Duration allowedLateness, final Duration sessionRetention,
                                        final TrustedKeys trustedKeys) {
        this.allowedLateness = allowedLateness;
        this.sessionRetention = sessionRetention;
        this.trustedKeys = trustedKeys;
    }

    @Override
    public void init(final ProcessorContext<String, Alert> context) {
        this.context = context;
        this.hosts = context.getStateStore(StoreNames.HOSTS);
        this.sessions = context.getStateStore(StoreNames.SESSIONS);
        this.sessionSweep = new StoreSweep<>(sessions, StoreSweep.BATCH);
        final KeyValueStore<String, Long> meta = context.getStateStore(StoreNames.OBSERVER_META);
        this.book = new JudgmentBook(context.getStateStore(StoreNames.OBSERVER_JUDGMENTS),
                context.getStateStore(StoreNames.OBSERVER_JUDGMENTS_BY_TIME),
                context.getStateStore(StoreNames.OBSERVER_ALERTS), meta, this::publish);
        this.clock = new EngineClock(meta, allowedLateness);
        final KeyValueStore<String, String> referenceStore = context.getStateStore(StoreNames.REFERENCE);
        this.reference = new ReferenceView(referenceStore);
        this.recorder = new ReferenceRecorder(referenceStore, reference);
        this.resolver = new Resolver(reference);
        this.hostsRule = new HostsOverrideCrossesEnvironment(resolver);
        this.verifier = new ApprovalVerifier(trustedKeys, this::environmentsOf);
        // every task holds the same reference history; the task of partition 0 speaks for it
        this.judgesReference = context.taskId().partition() == 0;
        context.schedule(Duration.ofMinutes(1), PunctuationType.WALL_CLOCK_TIME, now -> expire());
    }

    @Override
    public void process(final Record<String, Envelope> record) {
        final Envelope event = record.value();
        if (event.payload() instanceof ApprovalEvent && !admit(event)) {
            return; // not trusted, or a re-delivery: no state, and it does not move stream time
        }
        final long arrival = record.timestamp();
        final boolean revise = clock.mayRevise(event.at(), arrival);
        if (!revise) {
            final boolean ownRecord = event.payload() instanceof HostsSnapshot || event.payload() instanceof RestoreEvent;
            if (ownRecord || judgesReference) { // a reference change is on every partition: counted once
                TooLateRecords.record(event.kind());
            }
            LOGGER.atWarn().addKeyValue("event_id", event.eventId()).addKeyValue("kind", event.kind())
                    .addKeyValue("late_by", clock.lateness(event.at(), arrival))
                    .log("record arrived later than the allowed lateness: applied to state, revises no earlier verdict");
        }
        if (event.payload() instanceof HostsSnapshot snapshot) {
            onHosts(event, snapshot, revise);
        } else if (event.payload() instanceof RestoreEvent restore) {
            onRestore(event, restore, revise);
        } else if (onReference(event, revise)) {
            referenceArrival = Math.max(referenceArrival, arrival);
        } else {
            LOGGER.atWarn().addKeyValue("event_id", event.eventId()).addKeyValue("kind", event.kind())
                    .log("unexpected event kind on an engine topic, ignored");
            return;
        }
        clock.observe(event.at(), arrival);
    }

    private String observerOf(final Envelope event) {
        return Names.normalize(event.observer() == null ? "unknown-observer" : event.observer());
    }

    private void onHosts(final Envelope event, final HostsSnapshot snapshot, final boolean revise) {
        final String observer = observerOf(event);
        final Map<String, HostsState.Entry> first = new LinkedHashMap<>();
        for (HostsSnapshot.Entry entry : snapshot.entries()) {
            for (String name : entry.names()) {
                // first valid entry per name wins, compared after normalization
                first.putIfAbsent(Names.normalize(name, observer), new HostsState.Entry(entry.address(), entry.line()));
            }
        }
        final HostsState state = new HostsState(event.eventId(), event.at(), snapshot.path(),
                snapshot.writer() == null ? "unknown" : snapshot.writer(), first);
        hosts.put(observer, state, event.timestamp());
        judgeHosts(observer, state, "hosts|" + observer + "|" + event.timestamp() + "|" + event.eventId(), revise);
        // a snapshot older than some restores of this observer changes what they resolved to
        for (Judgment j : book.restoresOf(observer, event.at())) {
            rejudge(j, revise);
        }
    }

    private void judgeHosts(final String observer, final HostsState state, final String key, final boolean revise) {
        final Set<String> dependencies = new LinkedHashSet<>(state.firstEntry().keySet());
        final List<Finding> findings = hostsRule.judge(observer, state, dependencies);
        book.record(new Judgment(key, Judgment.HOSTS, state.at(), observer, List.copyOf(dependencies), null, null),
                findings, revise);
    }

    private void onRestore(final Envelope event, final RestoreEvent restore, final boolean revise) {
        final String observer = observerOf(event);
        final String key = sessionKey(restore.product(), restore.sessionId());
        final RestoreSession session = Optional.ofNullable(sessions.get(key))
                .orElse(new RestoreSession(restore.product(), restore.sessionId(), observer, List.of()))
                .with(RestoreSession.SessionRecord.of(event.eventId(), event.at(), restore, !revise));
        sessions.put(key, session);
        judgeSession(key, session, revise);
    }

    private static String sessionKey(final String product, final String sessionId) {
        return Judgment.RESTORE + "|" + product + "|" + sessionId;
    }

    private void judgeSession(final String key, final RestoreSession session, final boolean revise) {
        final List<String> targets = session.targets();
        if (targets.isEmpty()) {
            return; // no verdict until a record of the session names a target (Veeam 40210 names none)
        }
        final Instant at = session.restoreTime();
        final VersionedRecord<HostsState> hostsAt = hosts.get(session.observer(), at.toEpochMilli());
        final HostsState hostsState = hostsAt == null ? null : hostsAt.value();
        final List<TargetVerdict> verdicts = new ArrayList<>();
        final Set<String> dependencies = new LinkedHashSet<>();
        for (String target : targets) {
            // every DNS name looked up (a CNAME chain that led nowhere included) is a dependency
            final TargetVerdict verdict = resolver.judge(target, session.observer(), hostsState, at, dependencies);
            verdicts.add(verdict);
            dependencies.add(verdict.target());
            verdict.dnsRecords().forEach(r -> dependencies.add(r.name()));
            if (verdict.effectiveIp() != null) {
                dependencies.add(ADDRESS + verdict.effectiveIp());
            }
            verdict.approvals().forEach(a -> dependencies.add(CHANGE + a.changeId()));
        }
        final Map<String, Object> evidence = sessionEvidence(session, at, hostsState, verdicts);
        final RestoreRule.RestoreSessionView view = new SessionView(session);
        final List<Finding> findings = new ArrayList<>();
        for (RestoreRule rule : restoreRules) {
            Severity worst = null;
            TargetVerdict decisive = null;
            for (TargetVerdict verdict : verdicts) {
                final Optional<Severity> severity = rule.judge(verdict);
                if (severity.isPresent() && (worst == null || severity.get().compareTo(worst) > 0)) {
                    worst = severity.get();
                    decisive = verdict;
                }
            }
            if (worst != null) {
                findings.add(new Finding(rule.rule(), session.subject(), worst, rule.reason(view, decisive), at,
                        session.observer(), related(session, verdicts), verdicts.stream()
                        .map(TargetVerdict::effectiveIp).filter(ip -> ip != null).toList(),
                        session.records().stream().map(RestoreSession.SessionRecord::initiator)
                                .filter(u -> u != null).toList(), evidence));
            }
        }
        book.record(new Judgment(key, Judgment.RESTORE, at, session.observer(), List.copyOf(dependencies), null, null),
                findings, revise);
    }

    private static List<String> related(final RestoreSession session, final List<TargetVerdict> verdicts) {
        final List<String> names = new ArrayList<>();
        names.add(session.observer());
        verdicts.forEach(v -> names.add(v.target()));
        return names;
    }

    private static Map<String, Object> sessionEvidence(final RestoreSession session, final Instant at,
                                                       final HostsState hostsState, final List<TargetVerdict> verdicts) {
        final Map<String, Object> evidence = new LinkedHashMap<>();
        evidence.put("restore_time", at.toString());
        evidence.put("product", session.product());
        evidence.put("session_id", session.sessionId());
        evidence.put("observer", session.observer());
        evidence.put("initiator", session.initiator());
        evidence.put("targets", verdicts);
        evidence.put("hosts_snapshot_event_id", hostsState == null ? null : hostsState.eventId());
        final List<Map<String, Object>> records = new ArrayList<>();
        for (RestoreSession.SessionRecord r : session.records()) {
            final Map<String, Object> rec = new LinkedHashMap<>();
            rec.put("event_id", r.eventId());
            rec.put("at", r.at().toString());
            rec.put("state", r.state());
            rec.put("target", r.target());
            rec.put("database", r.database());
            rec.put("job", r.job());
            rec.put("task_status", r.taskStatus());
            rec.put("result", r.result());
            rec.put("too_late", r.late() ? Boolean.TRUE : null); // arrived beyond the allowed lateness
            rec.values().removeIf(v -> v == null);
            records.add(rec);
        }
        evidence.put("records", records);
        evidence.values().removeIf(v -> v == null);
        return evidence;
    }

    private void rejudge(final Judgment judgment, final boolean revise) {
        switch (judgment.kind()) {
            case Judgment.RESTORE -> {
                final RestoreSession session = sessions.get(judgment.key());
                if (session != null) {
                    judgeSession(judgment.key(), session, revise);
                }
            }
            case Judgment.HOSTS -> {
                final VersionedRecord<HostsState> state = hosts.get(judgment.observer(), judgment.time().toEpochMilli());
                if (state != null) {
                    judgeHosts(judgment.observer(), state.value(), judgment.key(), revise);
                }
            }
            case Judgment.DNS -> judgeDns(judgment.dnsChange(), judgment.key(), revise);
            default -> LOGGER.atWarn().addKeyValue("judgment", judgment.key()).log("unknown judgment kind");
        }
    }

    /** Records a reference change and re-judges what it affects; false when it is no reference kind. */
    private boolean onReference(final Envelope event, final boolean revise) {
        final long offset = context.recordMetadata().map(m -> m.offset()).orElse(-1L);
        final Optional<List<String>> names = recorder.apply(event, offset);
        if (names.isEmpty()) {
            return false;
        }
        clock.observeReference(event.at());
        if (judgesReference && event.payload() instanceof DnsRecordChange) {
            judgeDns(event, "dns|" + event.eventId(), revise);
        }
        if (revise) {
            for (Judgment j : affectedBy(event, names.get())) {
                rejudge(j, true);
            }
        }
        return true;
    }

    /**
     * The judgments a reference change may move, oldest first (a superset: the re-judgment is
     * exact). An inventory version moves everything. A DNS change moves the verdicts that resolved
     * through the name, and the restore verdicts whose address an approval naming that name may
     * denote; an approval record the restore verdicts that considered its change or whose address
     * one of the change's targets may denote at some time. RG-004 (DNS judgments) depends on the
     * inventory only. Found through the book's indexes, except when an inventory version newer
     * than the change may make "which addresses a name denotes" differ between the judgments;
     * then through a scan of everything judged since the change.
     */
    private List<Judgment> affectedBy(final Envelope event, final List<String> names) {
        final String judgedHere = "dns|" + event.eventId();
        if (names.contains(ReferenceRecorder.ALL)) {
            return book.judgmentsFrom(event.at(), s -> !s.key().equals(judgedHere));
        }
        final boolean approvalRecord = event.payload() instanceof ApprovalEvent;
        final Set<String> dependencies = new LinkedHashSet<>();
        final Set<String> approvalTargets = new LinkedHashSet<>();
        if (event.payload() instanceof ApprovalEvent approval) {
            dependencies.add(CHANGE + approval.changeId());
            approvalTargets.addAll(approval.targets());
            reference.approvalHistory(approval.changeId()).forEach(r -> approvalTargets.addAll(r.approval().targets()));
        } else {
            dependencies.addAll(names);
            // a changed record of a name some approval names can change which addresses that approval denotes
            final Set<String> approved = reference.approvalTargets();
            names.stream().filter(n -> approved.contains(n) || approved.contains(Names.firstLabel(n)))
                    .forEach(approvalTargets::add);
        }
        if (!approvalTargets.isEmpty()) {
            if (reference.inventoryChangesAfter(event.at())) {
                final AddressesDenoted denoted = new AddressesDenoted(approvalTargets);
                return book.judgmentsFrom(event.at(), s -> !s.key().equals(judgedHere)
                        && !Judgment.DNS.equals(s.kind())
                        && (!approvalRecord || Judgment.RESTORE.equals(s.kind()))
                        && (s.dependencies().stream().anyMatch(dependencies::contains)
                        || Judgment.RESTORE.equals(s.kind()) && denoted.anyOf(s)));
            }
            new AddressesDenoted(approvalTargets).addresses(reference.inventoryAsOf(event.at()))
                    .forEach(a -> dependencies.add(ADDRESS + a));
        }
        return book.judgmentsDependingOn(dependencies, event.at(),
                j -> !Judgment.DNS.equals(j.kind()) && (!approvalRecord || Judgment.RESTORE.equals(j.kind())));
    }

    /** Whether an approval record is trusted; raises its security alert (partition 0) when not. */
    private boolean admit(final Envelope event) {
        final ApprovalVerifier.Verdict verdict = verifier.verify(event, new ApprovalVerifier.Memory() {
            @Override
            public Optional<String> acceptedWithNonce(final String nonce) {
                return recorder.acceptedWithNonce(nonce);
            }

            @Override
            public Optional<String> latestAccepted(final String changeId) {
                return recorder.latestAccepted(changeId);
            }

            @Override
            public Instant referenceTime() {
                return clock.referenceTime();
            }
        });
        return switch (verdict) {
            case ApprovalVerifier.Accepted a -> true;
            case ApprovalVerifier.Duplicate d -> {
                LOGGER.atDebug().addKeyValue("event_id", d.eventId()).log("approval re-delivered, already applied");
                yield false;
            }
            case ApprovalVerifier.Rejected r -> {
                LOGGER.atWarn().addKeyValue("event_id", event.eventId()).addKeyValue("rejection", r.rejection())
                        .addKeyValue("reason", r.reason()).log("approval not trusted: counts as no approval");
                if (judgesReference) {
                    publish(approvalRule.judge(event, r).toAlert(Alert.OPEN));
                }
                yield false;
            }
        };
    }

    /** The environment of each approval target as of {@code at}, for keys scoped to environments. */
    private Map<String, String> environmentsOf(final List<String> targets, final Instant at) {
        final InventoryIndex inventory = reference.inventoryAsOf(at);
        final Map<String, String> environments = new LinkedHashMap<>();
        for (String raw : targets) {
            final Optional<String> ip = IpAddresses.normalize(raw);
            final String label;
            if (ip.isPresent()) {
                label = inventory.environmentOfIp(ip.get()).label();
            } else {
                final String name = Names.normalize(raw);
                label = inventory.denotedAsset(name).map(InventoryIndex.Asset::environment)
                        .orElseGet(() -> resolver.intendedEnvironment(name, inventory, at).label());
            }
            environments.put(raw, label.toLowerCase(Locale.ROOT));
        }
        return environments;
    }

    private void judgeDns(final Envelope event, final String key, final boolean revise) {
        final Optional<Finding> finding = dnsRule.judge(event.eventId(), event.at(), (DnsRecordChange) event.payload(),
                reference.inventoryAsOf(event.at()));
        if (finding.isEmpty() && book.get(key) == null) {
            return; // nothing found and nothing to revise: keep no state
        }
        book.record(new Judgment(key, Judgment.DNS, event.at(), null, List.of(ReferenceRecorder.ALL), null, event),
                finding.map(List::of).orElse(List.of()), revise);
    }

    /**
     * The addresses a set of approval targets may denote at some time (literal addresses, the
     * addresses of the inventory assets they denote, every address their DNS names ever held),
     * computed once per inventory version the judgments use.
     */
    private final class AddressesDenoted {
        private final Set<String> targets;
        private final Map<InventoryIndex, Set<String>> byInventory = new java.util.IdentityHashMap<>();

        AddressesDenoted(final Set<String> targets) {
            this.targets = targets;
        }

        boolean anyOf(final JudgmentBook.Summary judgment) {
            Set<String> addresses = null;
            for (String dependency : judgment.dependencies()) {
                if (dependency.startsWith(ADDRESS)) {
                    if (addresses == null) {
                        addresses = byInventory.computeIfAbsent(
                                reference.inventoryAsOf(Instant.ofEpochMilli(judgment.time())), this::addresses);
                    }
                    if (addresses.contains(dependency.substring(ADDRESS.length()))) {
                        return true;
                    }
                }
            }
            return false;
        }

        private Set<String> addresses(final InventoryIndex inventory) {
            final Set<String> addresses = new java.util.HashSet<>();
            for (String raw : targets) {
                final Optional<String> literal = IpAddresses.normalize(raw);
                if (literal.isPresent()) {
                    addresses.add(literal.get());
                    continue;
                }
                final String name = Names.normalize(raw);
                final Optional<InventoryIndex.Asset> asset = inventory.denotedAsset(name);
                asset.ifPresent(a -> addresses.addAll(a.ips()));
                addresses.addAll(reference.addressesEverHeld(asset.map(InventoryIndex.Asset::name).orElse(name)));
                addresses.addAll(reference.addressesEverHeld(name));
            }
            return addresses;
        }
    }

    private void expire() {
        clock.checkpoint();
        final Instant now = clock.streamTime();
        if (now == Instant.MIN) {
            return;
        }
        book.expire(revisableByReference(now), List.of(Judgment.HOSTS, Judgment.DNS));
        final Instant sessionsBefore = now.minus(sessionRetention);
        // a session goes with its restore judgment (same key, same time), found by time, not by a scan
        book.expire(sessionsBefore, List.of(Judgment.RESTORE)).forEach(sessions::delete);
        // and the few never judged (no record named a target), found by a pass spread over minutes
        sessionSweep.sweep((key, session) -> session.records().isEmpty() || session.restoreTime().isBefore(sessionsBefore));
        book.sweepAlerts(now.minus(ALERT_STATE_RETENTION));
    }

    /**
     * The oldest time a reference copy still to be read may revise (hosts-file and DNS verdicts
     * are revised by reference changes only). While the task reads a backlog its own records can
     * run ahead of the copies, so the copies still to come may be as old as the stream time at the
     * arrival of the last copy read, less the allowed lateness.
     */
    private Instant revisableByReference(final Instant streamTime) {
        final Instant atLastCopy = referenceArrival == Long.MIN_VALUE ? Instant.MIN
                : clock.streamTimeAtArrival(referenceArrival);
        final Instant from = atLastCopy == Instant.MIN || atLastCopy.isAfter(streamTime) ? streamTime : atLastCopy;
        return from.minus(allowedLateness);
    }

    private void publish(final Alert alert) {
        context.forward(new Record<>(alert.alert().id(), alert, alert.timestamp().toEpochMilli()));
    }

    /** The parts of a session a reason sentence uses. */
    private record SessionView(RestoreSession session) implements RestoreRule.RestoreSessionView {
        @Override
        public String product() {
            return session.product();
        }

        @Override
        public String sessionId() {
            return session.sessionId();
        }

        @Override
        public String observer() {
            return session.observer();
        }

        @Override
        public String initiator() {
            return session.initiator();
        }
    }
}
