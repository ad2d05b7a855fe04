package dev.restoreguard.producers.dns;

import dev.restoreguard.events.net.IpAddresses;
import dev.restoreguard.events.net.Names;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import org.xbill.DNS.AAAARecord;
import org.xbill.DNS.ARecord;
import org.xbill.DNS.CNAMERecord;
import org.xbill.DNS.DClass;
import org.xbill.DNS.Message;
import org.xbill.DNS.Name;
import org.xbill.DNS.Rcode;
import org.xbill.DNS.Record;
import org.xbill.DNS.SOARecord;
import org.xbill.DNS.Section;
import org.xbill.DNS.SimpleResolver;
import org.xbill.DNS.TextParseException;
import org.xbill.DNS.Type;
import org.xbill.DNS.ZoneTransferException;
import org.xbill.DNS.ZoneTransferIn;

/**
 * Talks to one authoritative server about one zone with dnsjava: the SOA serial, a full transfer
 * (AXFR) and an incremental one (IXFR, falling back to AXFR when the server offers no journal).
 * Records come back as {@link ZoneRecord}s of the types RestoreGuard judges (A, AAAA, CNAME).
 */
final class ZoneClient {

    /**
     * One A, AAAA or CNAME record, as the contract names it.
     *
     * @param name relative to the zone ({@code @} for the apex), lower-case
     * @param type {@code A}, {@code AAAA} or {@code CNAME}
     * @param data canonical address or normalized target name
     */
    record ZoneRecord(String name, String type, String data) {
        /** The state-file line. */
        String line() {
            return name + '\t' + type + '\t' + data;
        }

        static ZoneRecord parse(final String line) {
            final String[] f = line.split("\t", -1);
            if (f.length != 3) {
                throw new IllegalArgumentException("bad zone state line: " + line);
            }
            return new ZoneRecord(f[0], f[1], f[2]);
        }
    }

    /** What a transfer gave: the full set (AXFR) or ordered deltas (IXFR), or nothing new. */
    record Transfer(long serial, Set<ZoneRecord> full, List<Delta> deltas) {
    }

    /** One IXFR step from serial {@code start} to {@code end}. */
    record Delta(long start, long end, Set<ZoneRecord> deletes, Set<ZoneRecord> adds) {
    }

    private final InetSocketAddress server;
    private final Name zone;
    private final Duration timeout;

    ZoneClient(final InetSocketAddress server, final String zone, final Duration timeout) {
        this.server = server;
        try {
            this.zone = Name.fromString(zone, Name.root);
        } catch (TextParseException e) {
            throw new IllegalArgumentException("not a zone name: " + zone, e);
        }
        this.timeout = timeout;
    }

    /** The zone's SOA serial as the server answers it. */
    long serial() throws IOException {
        final SimpleResolver resolver = new SimpleResolver(server);
        resolver.setTimeout(timeout);
        final Message response = resolver.send(Message.newQuery(Record.newRecord(zone, Type.SOA, DClass.IN)));
        if (response.getRcode() != Rcode.NOERROR) {
            throw new IOException("SOA query for " + zone + " at " + server + ": " + Rcode.string(response.getRcode()));
        }
        for (Record r : response.getSection(Section.ANSWER)) {
            if (r instanceof SOARecord soa) {
                return soa.getSerial();
            }
        }
        throw new IOException("SOA query for " + zone + " at " + server + ": no SOA in the answer (not authoritative?)");
    }

    /** A full transfer. */
    Transfer axfr() throws IOException {
        final ZoneTransferIn xfr = ZoneTransferIn.newAXFR(zone, server, null);
        xfr.setTimeout(timeout);
        run(xfr);
        return full(xfr.getAXFR());
    }

    /** An incremental transfer from {@code fromSerial}; the server may answer with a full one. */
    Transfer ixfr(final long fromSerial) throws IOException {
        final ZoneTransferIn xfr = ZoneTransferIn.newIXFR(zone, fromSerial, true, server, null);
        xfr.setTimeout(timeout);
        run(xfr);
        if (xfr.isCurrent()) {
            return new Transfer(fromSerial, null, List.of());
        }
        if (xfr.isAXFR()) {
            return full(xfr.getAXFR());
        }
        final List<Delta> deltas = new ArrayList<>();
        for (ZoneTransferIn.Delta d : xfr.getIXFR()) {
            deltas.add(new Delta(d.start, d.end, records(d.deletes), records(d.adds)));
        }
        final long end = deltas.isEmpty() ? fromSerial : deltas.get(deltas.size() - 1).end();
        return new Transfer(end, null, deltas);
    }

    private static void run(final ZoneTransferIn xfr) throws IOException {
        try {
            xfr.run();
        } catch (ZoneTransferException e) {
            throw new IOException("zone transfer refused or failed: " + e.getMessage(), e);
        }
    }

    private Transfer full(final List<Record> records) throws IOException {
        long serial = -1;
        for (Record r : records) {
            if (r instanceof SOARecord soa) {
                serial = soa.getSerial();
                break;
            }
        }
        if (serial < 0) {
            throw new IOException("AXFR of " + zone + " carried no SOA");
        }
        return new Transfer(serial, records(records), List.of());
    }

    private Set<ZoneRecord> records(final List<Record> records) {
        final Set<ZoneRecord> out = new LinkedHashSet<>();
        for (Record r : records) {
            final String type;
            final String data;
            if (r instanceof ARecord a) {
                type = "A";
                data = IpAddresses.normalize(a.getAddress().getHostAddress()).orElseThrow();
            } else if (r instanceof AAAARecord a) {
                type = "AAAA";
                data = IpAddresses.normalize(a.getAddress().getHostAddress()).orElseThrow();
            } else if (r instanceof CNAMERecord c) {
                type = "CNAME";
                data = Names.normalize(c.getTarget().toString(true));
            } else {
                continue;
            }
            out.add(new ZoneRecord(relative(r.getName()), type, data));
        }
        return out;
    }

    private String relative(final Name name) {
        if (name.equals(zone)) {
            return "@";
        }
        if (name.subdomain(zone)) {
            return Names.normalize(name.relativize(zone).toString(true));
        }
        return Names.normalize(name.toString(true));
    }
}
