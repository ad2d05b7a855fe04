package dev.restoreguard.producers.hosts;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class AuditLogWritersTest {

    @TempDir
    Path tmp;

    private static final String LOG = """
            type=SYSCALL msg=audit(1795190400.100:10): arch=c000003e syscall=257 success=yes exit=3 items=2 ppid=1 pid=900 auid=1000 uid=0 gid=0 euid=0 comm="cp" exe="/usr/bin/cp" key="other-key"
            type=SYSCALL msg=audit(1795190402.123:11): arch=c000003e syscall=82 success=yes exit=0 items=4 ppid=10 pid=4242 auid=1000 uid=0 gid=0 euid=0 tty=pts0 ses=3 comm="vim" exe="/usr/bin/vim.basic" key="restoreguard-hosts"\u001dARCH=x86_64 SYSCALL=rename AUID="jdoe" UID="root"
            type=PATH msg=audit(1795190402.123:11): item=1 name="/etc/hosts" inode=1 nametype=CREATE
            type=SYSCALL msg=audit(1795190500.000:12): arch=c000003e syscall=257 success=yes exit=3 items=2 ppid=1 pid=77 auid=4294967295 uid=0 comm="sed" exe="/usr/bin/sed" key="restoreguard-hosts"
            """;

    @Test
    void shouldNameTheLatestWriterInTheWindowWithEnrichedUser() throws Exception {
        final Path log = Files.writeString(tmp.resolve("audit.log"), LOG);
        final AuditLogWriters writers = new AuditLogWriters(log, "restoreguard-hosts");
        assertThat(writers.writer(Instant.ofEpochSecond(1795190401), Instant.ofEpochSecond(1795190410)))
                .hasValue("user=jdoe auid=1000 uid=0 uid_name=root exe=/usr/bin/vim.basic comm=vim pid=4242 at=2026-11-20T16:00:02.123Z");
    }

    @Test
    void shouldSayNoLoginSessionForAnUnsetAuid() throws Exception {
        final Path log = Files.writeString(tmp.resolve("audit.log"), LOG);
        assertThat(new AuditLogWriters(log, "restoreguard-hosts").writer(null, Instant.ofEpochSecond(1795190600)))
                .get().asString().startsWith("user=(no login session) auid=4294967295").contains("exe=/usr/bin/sed");
    }

    @Test
    void shouldReportNothingWithoutAMatchingRecordOrLog() throws Exception {
        final Path log = Files.writeString(tmp.resolve("audit.log"), LOG);
        assertThat(new AuditLogWriters(log, "restoreguard-hosts")
                .writer(Instant.ofEpochSecond(1795190600), Instant.ofEpochSecond(1795190700))).isEmpty();
        assertThat(new AuditLogWriters(tmp.resolve("missing.log"), "restoreguard-hosts")
                .writer(null, Instant.now())).isEmpty();
    }
}
